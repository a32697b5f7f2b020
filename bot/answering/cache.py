"""The compiled-base cache: a loaded knowledge base and its matching index, kept on disk.

A restart or an unchanged reload reads one file instead of parsing YAML and tokenising every
phrasing. The cache is keyed by a hash of the knowledge files' content (topics and lexicon), of
the code that compiles them and of where they live; each topic file's parsed YAML is also kept
by its own content hash, so a reload after editing one file parses only that file.

Nothing in it is trusted: a file is used only when it is ours (owned by this user, not writable
by others), its header names this exact source, and its payload hashes to what the header says;
even then it is unpickled with an allow-list of the project's own data classes (numpy arrays
travel as raw bytes). Anything else — stale, corrupt, foreign — is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import io
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import babel
import numpy as np

from bot.answering.index import Index, Vocabulary
from bot.answering.matcher import Matcher
from bot.answering.thresholds import Thresholds
from bot.knowledge import base as knowledge_module
from bot.knowledge.base import KnowledgeBase, Problem, load_knowledge, topic_files
from bot.knowledge.lexicon import LEXICON_DIR
from bot.knowledge.paths import default_knowledge_dir

log = logging.getLogger(__name__)
# each entry's answer texts for a loaded base (from the catalogs, which the cache does not hold)
AnswersOf = Callable[[KnowledgeBase], Mapping[str, Sequence[str]]]

CACHE_ENV = "ELECTIONBOT_CACHE_DIR"
MAGIC = b"electionbot compiled base v2\n"
_DIGEST = 32
_NO_STAMP = bytes(_DIGEST)
# the modules whose code shapes what is cached: any change to them is a different cache
# the packages whose code builds what is cached: a change to any of their modules is a new cache
_CODE_PACKAGES = ("language", "knowledge", "answering")
_DTYPES = frozenset({"<i4", "<i8", "<u8", "<f8", "|b1"})
_PATH_CLASSES = frozenset({"Path", "PosixPath", "WindowsPath", "PurePosixPath",
                           "PureWindowsPath"})


def cache_dir() -> Path:
    """ELECTIONBOT_CACHE_DIR if set, else the user's cache directory (XDG)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "electionbot"


def _code_digest() -> bytes:
    h = hashlib.sha256(MAGIC)
    # (babel's CLDR data gives the place names: another version may read them differently)
    h.update(f"{sys.version_info[:2]} numpy {np.__version__} babel {babel.__version__}".encode())
    bot = Path(__file__).resolve().parent.parent
    for package in _CODE_PACKAGES:
        for module in sorted((bot / package).glob("*.py")):
            h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.digest()


def _source_files(directory: Path) -> list[Path]:
    lexicon = directory / LEXICON_DIR
    extra = sorted(p for p in lexicon.glob("*.yaml") if p.is_file()) if lexicon.is_dir() else []
    return topic_files(directory) + extra


def source_key(directory: Path, lexicon_only: bool = False) -> bytes:
    """What a compiled base is valid for: this code, this directory, these files' bytes.

    With `lexicon_only`, what an older base must share for its tokenised phrasings to be
    reused: the code, the directory and the lexicon.
    """
    h = hashlib.sha256(_code_digest())
    h.update(str(directory.resolve()).encode())
    files = _source_files(directory)
    if lexicon_only:
        files = [p for p in files if p.parent != directory]
        h.update(b"lexicon")
    for path in files:
        data = path.read_bytes()
        h.update(f"\0{path.relative_to(directory)}\0{len(data)}\0".encode())
        h.update(data)
    return h.digest()


# --- safe (de)serialisation ------------------------------------------------------------------

def _pack(index: Index) -> dict[str, Any]:
    """An index as plain data: arrays as (dtype, shape, bytes), the vocabulary as its words."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(index):
        value = getattr(index, f.name)
        if isinstance(value, np.ndarray):
            value = ("ndarray", value.dtype.str, value.shape, value.tobytes())
        elif isinstance(value, Vocabulary):
            masks = value.word_masks
            value = ("vocabulary", tuple(value.words),
                     ("ndarray", masks.dtype.str, masks.shape, masks.tobytes()))
        out[f.name] = value
    return out


def _unpack(fields: Any) -> Index:
    if not isinstance(fields, dict):
        raise TypeError("not an index")
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, tuple) and value and value[0] == "ndarray":
            _, dtype, shape, data = value
            if dtype not in _DTYPES or not isinstance(data, bytes):
                raise TypeError("unexpected array in the cache")
            value = np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape)
        elif isinstance(value, tuple) and value and value[0] == "vocabulary":
            masks = None
            if len(value) > 2 and isinstance(value[2], tuple) and value[2][1] == "<u8" \
                    and isinstance(value[2][3], bytes):
                masks = np.frombuffer(value[2][3], dtype=np.uint64)
            value = Vocabulary(list(value[1]), masks)
        values[name] = value
    return Index(**values)


class _Unpickler(pickle.Unpickler):
    """Rebuilds only this project's frozen data classes, paths and arrays."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "bot.knowledge.base":
            found = getattr(knowledge_module, name, None)
            if isinstance(found, type) and (dataclasses.is_dataclass(found)
                                            or found is knowledge_module.Located):
                return found
        elif module == "pathlib" and name in _PATH_CLASSES:
            import pathlib
            return getattr(pathlib, name)
        elif module == "builtins" and name in ("frozenset", "set"):
            return frozenset if name == "frozenset" else set
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def _dumps(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _read(path: Path, key: bytes | None, stamp: bytes | None = None) -> Any | None:
    """The object stored under `key` (None: any key) at `path`, or None if it is absent or
    not to be trusted. `stamp`: only an object stored with this stamp (a stale compiled base
    from the same code and lexicon); the header is checked before anything is unpickled."""
    try:
        with path.open("rb") as f:
            st = os.fstat(f.fileno())
            if (st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
                    or not stat.S_ISREG(st.st_mode)):
                log.warning("ignoring compiled-base cache %s: not owned by this user or "
                            "writable by others", path)
                return None
            head = f.read(len(MAGIC) + 3 * _DIGEST)
            found_key, found_stamp, digest = (
                head[len(MAGIC) + i * _DIGEST:len(MAGIC) + (i + 1) * _DIGEST] for i in range(3))
            if head[:len(MAGIC)] != MAGIC or (key is not None and found_key != key) or (
                    stamp is not None and found_stamp != stamp):
                return None  # another format, a stale base or other code: rebuilt silently
            payload = f.read()
        if hashlib.sha256(payload).digest() != digest:
            log.warning("ignoring corrupt compiled-base cache %s", path)
            return None
        return _Unpickler(io.BytesIO(payload)).load()
    except FileNotFoundError:
        return None
    except Exception as exc:  # whatever is wrong with a cache file only costs a rebuild
        log.warning("ignoring unreadable compiled-base cache %s: %s", path, exc)
        return None


def _write(path: Path, key: bytes, obj: Any, stamp: bytes = _NO_STAMP) -> None:
    """Store atomically (never a half-written file); a cache that cannot be written is skipped."""
    try:
        payload = _dumps(obj)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC + key + stamp + hashlib.sha256(payload).digest())
                f.write(payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.warning("could not write the compiled-base cache %s: %s", path, exc)


# --- loading ---------------------------------------------------------------------------------

def _base_path(where: Path, directory: Path) -> Path:
    name = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:24]
    return where / f"base-{name}.bin"


class _FileReader:
    """A YAML reader for load_knowledge that reuses each unchanged file's parse."""

    def __init__(self, where: Path, directory: Path) -> None:
        self.folder = where / "files"
        self.prefix = _base_path(where, directory).stem + "-"
        self.code = _code_digest()
        self.used: set[str] = set()

    def __call__(self, path: Path, rel: str, problems: list[Problem]) -> Any:
        try:
            data = path.read_bytes()
        except OSError:  # the plain reader reports it
            return knowledge_module.read_yaml_file(path, rel, problems)
        key = hashlib.sha256(self.code + rel.encode() + b"\0" + data).digest()
        stored = self.folder / f"{self.prefix}{key.hex()[:32]}.bin"
        self.used.add(stored.name)
        cached = _read(stored, key)
        if cached is not None:
            return cached
        parsed = knowledge_module.read_yaml_file(path, rel, problems)
        if parsed is not None:
            _write(stored, key, parsed)
        return parsed

    def prune(self) -> None:
        """Drop the parses of this directory's files that no longer exist in this form."""
        for old in self.folder.glob(f"{self.prefix}*.bin"):
            if old.name not in self.used:
                old.unlink(missing_ok=True)


def load_compiled(directory: Path | str | None = None, *, use_cache: bool = True,
                  thresholds: Thresholds | None = None, answers: AnswersOf | None = None,
                  ) -> Matcher:
    """A ready matcher for a knowledge directory, from the cache when it is valid.

    `answers` gives each entry's answer texts in the catalog languages for the loaded base
    (grounding reads them; they come from the catalogs, which the cache does not hold).
    Raises KnowledgeError like load_knowledge; the cache never hides a problem, because only a
    base that loaded without problems is ever stored.
    """
    with _collector_paused():
        return _load_compiled(directory, use_cache, thresholds, answers)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a base loads.

    A load makes hundreds of thousands of objects that all live on, and the collector would
    scan the growing heap again and again meanwhile (a tenth of a cold start at 10,000
    entries). It looks at the young objects once at the end instead, which moves the ones
    that live on to the oldest generation now rather than in the middle of a question.
    Reference counting still frees everything else as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            gc.collect(1)


def _load_compiled(directory: Path | str | None, use_cache: bool,
                   thresholds: Thresholds | None, answers: AnswersOf | None) -> Matcher:
    def matcher(kb: KnowledgeBase, **index: Any) -> Matcher:
        return Matcher(kb, thresholds, answers=answers(kb) if answers else None, **index)

    directory = Path(directory) if directory is not None else default_knowledge_dir()
    if not use_cache or not directory.is_dir():
        return matcher(load_knowledge(directory))
    where = cache_dir()
    try:
        key = source_key(directory)
    except OSError:  # a file vanished mid-read: load_knowledge reports what is wrong
        return matcher(load_knowledge(directory))
    path = _base_path(where, directory)
    cached = _read(path, key)
    if cached is not None and _compiled(cached) and cached[0] == key:
        return matcher(cached[1], index=cached[2])
    # a stale base of the same directory still spares tokenising the entries that did not
    # change, when the code and the lexicon are the same (it passes the same checks)
    reuse = source_key(directory, lexicon_only=True)
    # (a base from other code, or with another lexicon, is not even unpickled)
    stale = _read(path, None, reuse) if cached is None else None
    previous = None
    if isinstance(stale, list) and len(stale) == 4 and stale[3] == reuse and _compiled(stale):
        previous = (stale[1], stale[2])
    reader = _FileReader(where, directory)
    kb = load_knowledge(directory, read_yaml=reader)
    built = matcher(kb, previous=previous)
    _write(path, key, [key, kb, _pack(built.index), reuse], reuse)
    reader.prune()
    return built


def _compiled(obj: Any) -> bool:
    """Whether a cache payload has the shape of a compiled base; unpacks its index in place."""
    if not (isinstance(obj, list) and len(obj) == 4 and isinstance(obj[0], bytes)
            and isinstance(obj[1], KnowledgeBase) and isinstance(obj[3], bytes)):
        return False
    try:
        obj[2] = _unpack(obj[2])
    except (TypeError, ValueError) as exc:
        log.warning("ignoring a compiled base with a malformed index: %s", exc)
        return False
    return True


def load_matcher(directory: Path | str | None = None, use_cache: bool = True,
                 answers: AnswersOf | None = None) -> Matcher:
    """What start-up and reloads call: load_compiled with the default thresholds."""
    return load_compiled(directory, use_cache=use_cache, answers=answers)


def warm(directory: Path | str | None = None) -> int:
    """Compile the base into the cache (the Docker build runs this); returns the entry count."""
    return len(load_compiled(directory).kb.entries)
