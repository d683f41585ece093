"""Name keys: one spelling-insensitive form under which gazetteer names are stored and looked up.

News and GeoNames spell the same place many ways ("El-Fasher", "El Fasher", "al-Fashir",
"Ma'arrat al-Nu'man", "Maarrat al Numan"); both sides go through `name_key` so that
case, diacritics, apostrophes, hyphens, dots and the Arabic article's variants do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Transliterations of the Arabic article (al-, el-, and the sun-letter forms ad-, ar-, as-, ...).
ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "er", "es", "et", "ez", "adh", "ath"})
_APOSTROPHES = re.compile(r"['’‘ʼʻʾʿ`´ʹ]")
# Latin letters that NFKD does not decompose
_LETTERS = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ħ": "h", "ŧ": "t", "ı": "i",
                          "ß": "ss", "þ": "th", "ð": "d"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LETTER = re.compile(r"[a-z]")
_ASCII_APOSTROPHES = str.maketrans("", "", "'`")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2000-\u206f\u02b0-\u02ff\u0300-\u036f]")


def fold(text: str) -> str:
    """Lowercase ASCII-ish form: NFKD, combining marks dropped, casefolded."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def key_of(text: str) -> str:
    """`name_key` without the cache: for bulk use (building the index)."""
    if text.isascii():  # most names: lower() is the fold, and ' and ` the only apostrophes
        folded = text.lower().translate(_ASCII_APOSTROPHES)
    elif _NON_LATIN.search(text):
        return ""
    else:
        folded = _APOSTROPHES.sub("", fold(text).translate(_LETTERS))
    words = _NON_WORD.sub(" ", folded).split()
    if words and words[0] == "the":
        del words[0]
    # an article before another word reads "al" whatever the transliteration
    last = len(words) - 1
    words = ["al" if w in ARTICLES and i < last else w for i, w in enumerate(words)]
    key = " ".join(words)
    return key if _LETTER.search(key) else ""  # the key holds only [0-9a-z ]: Latin, and a name if it has a letter


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The lookup key of a name; "" when it is not in Latin script (such names are not indexed)."""
    return key_of(text)


def is_latin(text: str) -> bool:
    """True when the name is written in Latin script (diacritics allowed)."""
    return bool(name_key(text))


def final_h_variant(key: str) -> str:
    """The key with the Arabic feminine ending spelt the other way: "shabwa" <-> "shabwah", "nasiriya" <->
    "nasiriyah" (news and GeoNames choose differently). "" when the last word is too short to tell."""
    head, _, last = key.rpartition(" ")
    if len(last) < 5:
        return ""
    if last.endswith("ah"):
        last = last[:-1]
    elif last.endswith("a"):
        last += "h"
    else:
        return ""
    return f"{head} {last}" if head else last
