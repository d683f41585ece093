"""The knowledge base's disk cache: same answers as loading the YAML, rebuilt when the data changes."""

from __future__ import annotations

import datetime as dt
import shutil

from conflictlens.kb import DATA_DIR, load_cached_kb, load_kb


def test_cached_kb_answers_like_the_yaml_and_follows_data_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTLENS_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    fresh = load_kb(data)
    first = load_cached_kb(data)
    files = list((tmp_path / "cache").glob("kb-*.pickle"))
    assert len(files) == 1
    second = load_cached_kb(data)                       # from the pickle
    assert second is not first and sorted(second.actors) == sorted(fresh.actors)
    assert second.state_of("iq").id == fresh.state_of("IQ").id
    day = dt.date(2024, 1, 1)
    holders = [a.id for a in fresh.office_holders("head_of_government", "IQ", day)]
    assert holders and [a.id for a in second.office_holders("head_of_government", "iq", day)] == holders

    places = data / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("name: Golan Heights,", "name: Golan Plateau,", 1),
                      encoding="utf-8")
    changed = load_cached_kb(data)
    assert changed.places["golan_heights"].name == "Golan Plateau"
    assert [p.name for p in (tmp_path / "cache").glob("kb-*.pickle")] != [f.name for f in files]   # new key, old gone


def test_unreadable_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTLENS_CACHE_DIR", str(tmp_path))
    load_cached_kb()
    (path,) = tmp_path.glob("kb-*.pickle")
    path.write_bytes(b"not a pickle")
    kb = load_cached_kb()
    assert len(kb.actors) > 1000 and path.read_bytes() != b"not a pickle"
