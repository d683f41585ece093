"""The gazetteer: GeoNames data shipped by installed packages + curated places of the knowledge base.

Public API:
    get_gazetteer() -> Gazetteer        the process's gazetteer (index built on first use, cached on disk)
    Gazetteer.lookup(name)              candidate places for a name as written
    Gazetteer.lookup_keys(keys)         the same for many name keys at once (one query)
    Gazetteer.country(code)             a country (ISO alpha-2) at its representative point
    Gazetteer.neighbours(code)          ISO codes of the bordering countries
    resolve(mentions, countries)        pick each mention's place using the document's context
    name_key(text)                      the spelling-insensitive key names are stored under
    haversine_km(lat1, lon1, lat2, lon2)
"""

from .gazetteer import Gazetteer, get_gazetteer
from .normalize import name_key
from .records import Candidate, Place, haversine_km
from .resolve import Mention, Resolution, resolve

__all__ = ["Candidate", "Gazetteer", "Mention", "Place", "Resolution", "get_gazetteer", "haversine_km", "name_key",
           "resolve"]
