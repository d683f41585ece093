"""ACLED's event taxonomy (exact codebook strings), PLOVER event types, and the mapping between them.

ACLED: 6 event types, 25 sub-event types, grouped into disorder types (ACLED Codebook, 2023).
PLOVER: the Political Language Ontology for Verifiable Event Records (event types, 2021 spec).
"""

from __future__ import annotations

DISORDER_POLITICAL_VIOLENCE = "Political violence"
DISORDER_DEMONSTRATIONS = "Demonstrations"
DISORDER_STRATEGIC = "Strategic developments"

ACLED_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": (
        "Violent demonstration",
        "Mob violence",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

EVENT_TYPES: tuple[str, ...] = tuple(ACLED_TYPES)
SUB_EVENT_TYPES: dict[str, str] = {sub: event for event, subs in ACLED_TYPES.items() for sub in subs}

DISORDER_TYPE: dict[str, str] = {
    "Battles": DISORDER_POLITICAL_VIOLENCE,
    "Explosions/Remote violence": DISORDER_POLITICAL_VIOLENCE,
    "Violence against civilians": DISORDER_POLITICAL_VIOLENCE,
    "Protests": DISORDER_DEMONSTRATIONS,
    "Riots": DISORDER_DEMONSTRATIONS,
    "Strategic developments": DISORDER_STRATEGIC,
}

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
    "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

# The PLOVER type an ACLED sub-event type most often corresponds to.
PLOVER_OF_SUB_EVENT: dict[str, str] = {
    "Armed clash": "ASSAULT",
    "Government regains territory": "ASSAULT",
    "Non-state actor overtakes territory": "ASSAULT",
    "Chemical weapon": "ASSAULT",
    "Air/drone strike": "ASSAULT",
    "Suicide bomb": "ASSAULT",
    "Shelling/artillery/missile attack": "ASSAULT",
    "Remote explosive/landmine/IED": "ASSAULT",
    "Grenade": "ASSAULT",
    "Sexual violence": "ASSAULT",
    "Attack": "ASSAULT",
    "Abduction/forced disappearance": "COERCE",
    "Peaceful protest": "PROTEST",
    "Protest with intervention": "PROTEST",
    "Excessive force against protesters": "COERCE",
    "Violent demonstration": "PROTEST",
    "Mob violence": "ASSAULT",
    "Agreement": "AGREE",
    "Arrests": "COERCE",
    "Change to group/activity": "MOBILIZE",
    "Disrupted weapons use": "COERCE",
    "Headquarters or base established": "MOBILIZE",
    "Looting/property destruction": "COERCE",
    "Non-violent transfer of territory": "CONCEDE",
    "Other": "CONSULT",
}


def is_valid(event_type: str, sub_event_type: str) -> bool:
    """True when sub_event_type is one of event_type's ACLED sub-event types."""
    return SUB_EVENT_TYPES.get(sub_event_type) == event_type


def plover_for(sub_event_type: str) -> str | None:
    return PLOVER_OF_SUB_EVENT.get(sub_event_type)
