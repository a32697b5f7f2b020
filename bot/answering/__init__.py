"""From a question to a decided match: reading, context, ranking, grounding, deciding.

docs/architecture.md shows the stages and the module of each.
"""
