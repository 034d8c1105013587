"""Common names of medicines known to bring on leg cramps, and the kind each one is.

A patient who does not know a medicine's kind answers "Not sure" or "Other"; a name on this
list still tells the clinic the kind, so the ladder's medication rule can read it. The list is
short on purpose: a name that is missing stays "kind unknown" for the care team to set, which
is safer than a guess. Sources (docs/management-ladder.md, "Which medicines count"):

- Garrison SR, Dormuth CR, Morrow RL, Carney GA, Khan KM. Nocturnal leg cramps and prescription
  use that precedes them: a sequence symmetry analysis. Arch Intern Med 2012;172(2):120-126:
  new quinine use (a marker of cramp treatment) rose in the year after starting a diuretic
  (potassium-sparing and thiazide-like most; loop small and not significant) and, a little,
  a statin. It also found inhaled long-acting beta-2 agonists; the diary has no kind for
  them (the category codes are the bundle's vocabulary), so they are not listed.
- ../shared/seeds/001 ("Pain Medication Side-Effects and Leg Cramps"): "some steroid
  medications" (water retention).

Pure: no Django, so the name rule is tested without a database and read by the diary's writes
(diary.services) and a data migration alike.
"""

from __future__ import annotations

import re

# kind (a diary.models.MEDICATION_CATEGORY_CHOICES code) -> generic and a few common brand
# names, lower case.
CRAMP_MEDICINE_NAMES: dict[str, tuple[str, ...]] = {
    # Systemic corticosteroids (seeds/001: steroid medications).
    "steroid": (
        "prednisone", "prednisolone", "methylprednisolone", "dexamethasone",
        "hydrocortisone", "cortisone", "betamethasone", "triamcinolone", "deflazacort",
        "medrol", "decadron", "deltasone",
    ),
    # Garrison 2012: loop, thiazide and thiazide-like, potassium-sparing.
    "diuretic": (
        "furosemide", "frusemide", "bumetanide", "torasemide", "torsemide",
        "hydrochlorothiazide", "hctz", "chlorthalidone", "chlortalidone",
        "bendroflumethiazide", "bendrofluazide", "indapamide", "metolazone",
        "spironolactone", "eplerenone", "amiloride", "triamterene",
        "lasix", "bumex", "burinex", "demadex", "aldactone", "inspra", "natrilix",
        "zaroxolyn", "moduretic", "dyazide",
    ),
    # Garrison 2012 (a small association).
    "statin": (
        "atorvastatin", "simvastatin", "rosuvastatin", "pravastatin", "lovastatin",
        "fluvastatin", "pitavastatin",
        "lipitor", "zocor", "crestor", "pravachol", "lescol", "livalo",
    ),
}

# The answers that do not tell the kind: the name may, and a clinician can.
UNKNOWN_KINDS = frozenset({"", "other", "not_sure"})

_KIND_OF_WORD: dict[str, str] = {
    word: kind for kind, words in CRAMP_MEDICINE_NAMES.items() for word in words
}
# Letters and digits make words: "Furosemide 40mg", "losartan/HCTZ" and "PREDNISONE," all
# split into their names; "prednisolonex" is not "prednisolone".
_WORD = re.compile(r"[^\W_]+")


def kind_for_name(name: str) -> str | None:
    """The kind of a medicine named on the list, whole word and whatever the case or spacing;
    None when no listed name is in it, or when it names medicines of two kinds (the care
    team decides which one counts)."""
    kinds = {_KIND_OF_WORD[w] for w in _WORD.findall(name.casefold()) if w in _KIND_OF_WORD}
    return kinds.pop() if len(kinds) == 1 else None


def stored_kind(name: str, category: str) -> str:
    """The kind to store for a medicine as it is saved: the answer when it tells the kind,
    else the listed name's kind, else the answer as given ("other", "not sure")."""
    if category in UNKNOWN_KINDS:
        return kind_for_name(name) or category
    return category


def kind_unknown(category: str, kind_confirmed: bool) -> bool:
    """Whether the care team still has to set the kind: the stored kind is "other" or "not
    sure" and no clinician has set or confirmed it."""
    return category in UNKNOWN_KINDS and not kind_confirmed
