"""electionbot: a multilingual FAQ bot about election cooperation and observation."""

__version__ = "0.1.0"
