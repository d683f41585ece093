"""The gazetteer on the real packaged data: lookups, spellings, countries, curated sites, the disk index."""

from __future__ import annotations

import sqlite3
import time

import pytest

from conflictlens.geo import Mention, get_gazetteer, haversine_km, name_key, resolve
from conflictlens.geo import index


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


def best(gaz, name, country=None):
    """The place a bare mention of the name resolves to (the document being about `country`)."""
    cands = gaz.lookup(name)
    assert cands, f"no candidate for {name!r}"
    return resolve([Mention(name_key(name), cands)], countries=[country] if country else [])[0].place


@pytest.mark.parametrize("name, country, lat, lon", [
    ("Erbil", "IQ", 36.19, 44.01),
    ("Eilat", "IL", 29.56, 34.95),
    ("Damascus", "SY", 33.51, 36.28),
    ("Aleppo", "SY", 36.20, 37.16),
    ("Kharkiv", "UA", 49.99, 36.23),
    ("El Fasher", "SD", 13.63, 25.35),
    ("Gao", "ML", 16.27, -0.04),
    ("Ménaka", "ML", 15.92, 2.40),
])
def test_towns_resolve_near_their_true_coordinates(gaz, name, country, lat, lon):
    place = best(gaz, name, country)
    assert place.kind == "populated"
    assert haversine_km(place.lat, place.lon, lat, lon) < 25


@pytest.mark.parametrize("variant", ["El-Fasher", "el Fasher", "EL FASHER", "El Fasher"])
def test_spelling_variants_share_a_key(gaz, variant):
    assert name_key(variant) == name_key("El Fasher")
    assert any(c.place.name == "El Fasher" for c in gaz.lookup(variant))


def test_keys_fold_diacritics_apostrophes_and_the_arabic_article():
    assert name_key("Ménaka") == name_key("Menaka") == "menaka"
    assert name_key("Ma'arrat al-Nu'man") == name_key("Maarrat al Numan")
    assert name_key("Deir ez-Zor") == name_key("Deir al-Zor")
    assert name_key("the Golan Heights") == "golan heights"
    assert name_key("دمشق") == ""  # not Latin script: not indexed


def test_countries_by_name_alias_and_code(gaz):
    for name, code in [("Iraq", "IQ"), ("Syria", "SY"), ("U.S.", "US"), ("Burma", "MM"), ("Ivory Coast", "CI"),
                       ("Palestine", "PS")]:
        kinds = {(c.place.kind, c.place.country) for c in gaz.lookup(name)}
        assert ("country", code) in kinds, name
    iraq = gaz.country("IQ")
    assert iraq.precision == 3 and 29 < iraq.lat < 38 and 38 < iraq.lon < 49  # a point inside Iraq
    assert {"SY", "IR", "TR", "JO"} <= gaz.neighbours("IQ")


def test_admin1_regions_have_english_names_and_sit_at_their_largest_town(gaz):
    region = next(c.place for c in gaz.lookup("Erbil Governorate") if c.place.kind == "admin1")
    assert region.name == "Erbil" and region.country == "IQ" and region.precision == 3
    city = best(gaz, "Erbil", "IQ")
    assert city.admin1 == "Erbil" and haversine_km(region.lat, region.lon, city.lat, city.lon) < 1
    kharkiv = best(gaz, "Kharkiv", "UA")
    assert kharkiv.admin1 == "Kharkiv"


def test_curated_sites_come_from_the_knowledge_base(gaz):
    pik = [c.place for c in gaz.lookup("Pik airfield")]
    assert pik and pik[0].kb_id == "pik_airfield" and pik[0].geonames_id is None
    assert haversine_km(pik[0].lat, pik[0].lon, 32.80, 35.71) < 5
    golan = next(c.place for c in gaz.lookup("the Golan Heights") if c.place.kind == "curated")
    assert golan.precision == 3
    asad = [c.place for c in gaz.lookup("Ain al-Assad")]
    assert asad and asad[0].country == "IQ" and asad[0].feature == "base"


def test_unknown_names_match_nothing(gaz):
    assert gaz.lookup("Qwxzzyv") == ()
    found = gaz.lookup_keys(["qwxzzyv", "erbil"])
    assert found["qwxzzyv"] == () and found["erbil"]


def test_tripoli_is_libya_unless_the_document_is_about_lebanon(gaz):
    tripoli = Mention(name_key("Tripoli"), gaz.lookup("Tripoli"))
    alone = resolve([tripoli])[0]
    assert alone.place.country == "LY"
    lebanon = Mention(name_key("Lebanon"), gaz.lookup("Lebanon"))
    with_lebanon = resolve([lebanon, tripoli], neighbours=gaz.neighbours)
    assert with_lebanon[1].place.country == "LB"
    by_actor = resolve([tripoli], countries=["LB"])[0]
    assert by_actor.place.country == "LB"


def test_bare_region_name_is_the_town_but_province_asks_for_the_region(gaz):
    cands = gaz.lookup("Idlib")
    assert resolve([Mention("idlib", cands)])[0].place.kind == "populated"
    assert resolve([Mention("idlib", cands, want_admin1=True)])[0].place.kind == "admin1"


def test_index_is_cached_on_disk_and_reopens_fast(gaz):
    path = index.index_path()
    assert path == gaz.path and path.name == f"gazetteer-{index.fingerprint()}.sqlite"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    meta = dict(con.execute("SELECT k, v FROM meta"))
    con.close()
    assert meta["fingerprint"] == index.fingerprint() and int(meta["places"]) > 200_000
    started = time.perf_counter()
    from conflictlens.geo import Gazetteer

    fresh = Gazetteer(path)
    assert fresh.lookup("Erbil")
    assert time.perf_counter() - started < 2.0


def test_the_feminine_ending_is_spelt_both_ways():
    from conflictlens.geo.normalize import final_h_variant

    assert final_h_variant("shabwa") == "shabwah" and final_h_variant("nasiriyah") == "nasiriya"
    assert final_h_variant("wadi hadramawt") == "" and final_h_variant("gaza") == ""
    assert final_h_variant("suq al shuyukha") == "suq al shuyukhah"


def test_news_names_of_the_congo(gaz):
    for name in ("Democratic Republic of Congo", "DRC", "Democratic Republic of the Congo"):
        assert any(c.place.kind == "country" and c.place.country == "CD" for c in gaz.lookup(name)), name


def test_after_a_settlement_noun_the_town_wins_over_the_country(gaz):
    mention = Mention(name_key("Costa Rica"), gaz.lookup("Costa Rica"), want_town=True)
    res = resolve([mention], countries=["MX"], neighbours=gaz.neighbours)[0]
    assert res.place.kind == "populated" and res.place.country == "MX"
    plain = resolve([Mention(name_key("Costa Rica"), gaz.lookup("Costa Rica"))], countries=["MX"])[0]
    assert plain.place.kind == "country"
