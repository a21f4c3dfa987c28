"""The usage declaration: one proposed use of GenAI, as facts with evidence.

Every fact holds "yes", "no", "unsure" or None (not stated yet). None is not "unsure":
an unstated fact is asked about; an "unsure" answer escalates (GUIDANCE G2).
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

FactValue = Optional[Literal["yes", "no", "unsure"]]
"""A fact's value: "yes", "no", "unsure", or None for "not stated yet"."""

EvidenceSource = Literal["patterns", "llm", "producer"]
"""Where a fact came from: the offline extractor's patterns, an LLM, or the producer
answering a question or correcting a fact."""

# The names other tools and our evaluations address facts by. Order is the JSON order.
FACT_NAMES: tuple[str, ...] = (
    "final_deliverable",
    "key_creative_element",
    "talent_likeness",
    "talent_consent",
    "performance_alteration",
    "union_work_impact",
    "personal_data",
    "proprietary_material",
    "third_party_material",
    "protected_output",
    "misleading_content",
    "tool_trains_on_inputs",
    "enterprise_environment",
)


class Evidence(BaseModel):
    """The producer's words behind a fact, located in the text they came from.

    `start` is inclusive and `end` exclusive, in characters of that text, so
    `text[start:end] == quote` for exact alignments.
    """

    model_config = ConfigDict(frozen=True)

    quote: str = Field(description="The producer's words, verbatim.")
    start: int = Field(ge=0, description="Character offset where the quote starts (inclusive).")
    end: int = Field(ge=0, description="Character offset where the quote ends (exclusive).")
    source: EvidenceSource = Field(default="patterns", description="Who read the fact from the text.")
    turn: Optional[int] = Field(
        default=None, description="Index of the producer's message the offsets refer to, in an intake."
    )

    @model_validator(mode="after")
    def _span_is_ordered(self) -> "Evidence":
        if self.end < self.start:
            raise ValueError(f"evidence span end ({self.end}) is before its start ({self.start})")
        return self


class Fact(BaseModel):
    """One fact of a declaration: its value and the words that support it."""

    model_config = ConfigDict(frozen=True)

    value: FactValue = Field(default=None, description='"yes", "no", "unsure", or null when not stated yet.')
    evidence: tuple[Evidence, ...] = Field(default=(), description="The producer's words that support the value.")


def _fact_field(meaning: str) -> Fact:
    return Field(default_factory=Fact, description=meaning)


class Facts(BaseModel):
    """The thirteen facts the policy reasons about; see knowledge/questions.yaml for each
    fact's question and explanation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    final_deliverable: Fact = _fact_field(
        "Generated material appears (seen or heard) in the final cut or any delivered asset, background included."
    )
    key_creative_element: Fact = _fact_field(
        "GenAI generates main characters, key visuals, or settings central to the story."
    )
    talent_likeness: Fact = _fact_field(
        "The likeness or voice of a real person is generated, replicated or used (performer, public figure, deceased person)."
    )
    talent_consent: Fact = _fact_field(
        "Documented consent of that person exists (informative: it never removes the need for approval)."
    )
    performance_alteration: Fact = _fact_field(
        "A recorded performance is altered beyond customary fixes (tone, delivery, intent, lip-sync, face)."
    )
    union_work_impact: Fact = _fact_field(
        "It replaces or materially affects work normally done by union-represented people (actors, writers, crew)."
    )
    personal_data: Fact = _fact_field(
        "Personal data (cast or crew details, any personal information) goes into a tool."
    )
    proprietary_material: Fact = _fact_field(
        "Netflix-owned or unreleased material (scripts, footage, production images, contracts) goes into a tool."
    )
    third_party_material: Fact = _fact_field(
        "Copyrighted or unowned material, another artist's work or style, or a real person's image is used as input, prompt reference, or training data."
    )
    protected_output: Fact = _fact_field(
        "The output may replicate identifiable characteristics of copyrighted or unowned material."
    )
    misleading_content: Fact = _fact_field(
        "The output could be taken for real events, people or statements."
    )
    tool_trains_on_inputs: Fact = _fact_field(
        "The tool stores, reuses or trains on production inputs or outputs."
    )
    enterprise_environment: Fact = _fact_field(
        "The tool runs in an enterprise-secured environment (enterprise agreement or equivalent protection)."
    )

    def values(self) -> dict[str, FactValue]:
        """Each fact name mapped to its value (None when not stated)."""
        return {name: getattr(self, name).value for name in FACT_NAMES}


Stage = Literal["ideation", "pre_production", "production", "post_production", "marketing", "unknown"]
Medium = Literal["image", "video", "audio", "voice", "music", "text", "3d"]


class UsageDeclaration(BaseModel):
    """One proposed use of GenAI, as the policy sees it.

    The facts decide; the descriptive fields (summary, tools, stage, media) help the
    producer and the Netflix contact read the declaration and never change a decision.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    facts: Facts = Field(default_factory=Facts)
    summary: Optional[str] = Field(default=None, description="One line describing the intended use.")
    tools: tuple[str, ...] = Field(default=(), description="GenAI tools or tool kinds named by the producer.")
    stage: Stage = Field(default="unknown", description="Production stage the use belongs to.")
    media: tuple[Medium, ...] = Field(default=(), description="Kinds of media generated.")
    notices: tuple[str, ...] = Field(
        default=(),
        description="Things the extractor wants a person to see (e.g. text that tried to instruct the system).",
    )

    @classmethod
    def from_values(cls, values: dict[str, FactValue], **fields: object) -> "UsageDeclaration":
        """Build a declaration from bare fact values, without evidence.

        Raises:
            ValueError: a name is not one of FACT_NAMES (the message lists the valid ones).
        """
        unknown = sorted(set(values) - set(FACT_NAMES))
        if unknown:
            raise ValueError(f"unknown fact name(s) {unknown}; valid names: {', '.join(FACT_NAMES)}")
        facts = Facts(**{name: Fact(value=value) for name, value in values.items()})
        return cls(facts=facts, **fields)  # type: ignore[arg-type]

    def values(self) -> dict[str, FactValue]:
        """Each fact name mapped to its value (None when not stated)."""
        return self.facts.values()

    def with_fact(self, name: str, fact: Fact) -> "UsageDeclaration":
        """A copy with one fact replaced (declarations are immutable)."""
        if name not in FACT_NAMES:
            raise ValueError(f"unknown fact name {name!r}; valid names: {', '.join(FACT_NAMES)}")
        return self.model_copy(update={"facts": self.facts.model_copy(update={name: fact})})
