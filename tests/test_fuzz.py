"""Untrusted catalogs, random and mutated: the reader and the checker never
crash or hang; they answer with problems, each with a file and a line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefpub.catalogs import checks, store, terminology
from briefpub.project.problems import Problem
from conftest import BRIEF

REPO = Path(__file__).resolve().parent.parent
SEED = (REPO / "locale" / "be" / "LC_MESSAGES" / "index.po").read_bytes()
TERMS = terminology.load(REPO / "locale" / "terminology.toml", BRIEF.source.code)
BELARUSIAN = BRIEF.get("be")
FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])

PO_PIECES = st.sampled_from([
    b'msgid "', b'msgstr "', b'msgctxt "', b'msgid_plural "', b'msgstr[0] "', b'msgstr[9] "', b'"', b'\\', b'\\"',
    b"\n", b"#, fuzzy\n", b"#| msgid \"x\"\n", b"#~ msgid \"", b"#: a.md:1\n", b"\xff", b"\xd0", "ў".encode(),
    b"`", b"*", b"{ref}`", b"<script>", b"{{ x }}", b"[^1]", b"](http://x)", b"\x00", b"\t", b"\r\n",
    b'"Plural-Forms: nplurals=3; plural=(n%10==1 &&;\\n"\n', b'"Language: xx\\n"\n',
])


def judge(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "be" / "LC_MESSAGES" / "index.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    catalog, problems = store.parse(path)
    assert catalog is not None or problems
    for problem in problems + checks.check_catalog(path, BELARUSIAN, TERMS, release=True):
        assert isinstance(problem, Problem)
        assert problem.path == path and problem.line >= 0 and problem.message


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path, data):
    judge(tmp_path, data)


@FUZZ
@given(pieces=st.lists(PO_PIECES, max_size=60))
def test_random_po_syntax(tmp_path, pieces):
    judge(tmp_path, b"".join(pieces))


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(SEED)), st.integers(min_value=0, max_value=40), PO_PIECES),
        min_size=1, max_size=8,
    )
)
def test_mutations_of_a_real_catalog(tmp_path, edits):
    data = SEED
    for position, length, piece in edits:
        data = data[:position] + piece + data[position + length:]
    judge(tmp_path, data)


@FUZZ
@given(text=st.text(max_size=300))
def test_any_translation_text(tmp_path, text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    data = SEED.replace('msgstr "Змест"'.encode(), f'msgstr "{escaped}"'.encode("utf-8", "surrogatepass"))
    judge(tmp_path, data)
