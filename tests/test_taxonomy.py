from conflictlens import taxonomy


def test_acled_has_six_event_types_and_25_sub_event_types():
    assert len(taxonomy.EVENT_TYPES) == 6
    assert len(taxonomy.SUB_EVENT_TYPES) == 25


def test_every_sub_event_type_has_a_plover_type_from_the_plover_list():
    assert set(taxonomy.PLOVER_OF_SUB_EVENT) == set(taxonomy.SUB_EVENT_TYPES)
    assert set(taxonomy.PLOVER_OF_SUB_EVENT.values()) <= set(taxonomy.PLOVER_TYPES)


def test_is_valid_pairs():
    assert taxonomy.is_valid("Explosions/Remote violence", "Air/drone strike")
    assert not taxonomy.is_valid("Battles", "Air/drone strike")
