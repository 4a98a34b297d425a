import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import callbacks as cb
from carework_core.definitions.loading import CHOICE_BUTTON_IDS

ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,31}", fullmatch=True)
small = st.integers(min_value=0, max_value=999)
values = st.from_regex(r"[a-z0-9_,]{1,12}", fullmatch=True)

every_kind = st.one_of(
    st.builds(cb.Consent, small, st.booleans()),
    st.builds(cb.Begin, ids),
    st.builds(cb.Pick, ids, small, values),
    st.builds(cb.Rate, ids, small, small, small, values),
    st.builds(cb.DontKnow, ids, small, small, small),
    st.builds(cb.Submit, ids, small, st.integers(0, 4095)),
    st.builds(cb.Toggle, ids, small, st.integers(0, 4095)),
    st.builds(cb.NextQuestion, ids, small),
    st.builds(cb.AddExample, ids, small),
    st.builds(cb.Skip, ids, small),
)


@given(every_kind)
def test_round_trip_within_64_bytes(data):
    packed = cb.pack(data)
    assert len(packed.encode()) <= 64
    assert cb.unpack(packed) == data


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "zz|1",
        "c|0",
        "c|x|1",
        "b|Round One",
        "p|r1|2",
        "p|r1|2|3|4",
        "b|" + "a" * 40,
        "p|r1|-1|3",
        "é|1",
        "b|r1;drop",
        "t|r1|1|99999999",
        "sm|r1|bogus|0",  # an action a summary's buttons never carry: never taken for Approve
        "sm|r1|approved|0",
    ],
)
def test_forged_or_stale_data_is_refused(raw):
    with pytest.raises(cb.InvalidCallback):
        cb.unpack(raw)


def test_a_single_choice_button_within_the_definitions_limit_fits_telegrams_64_bytes():
    round_id = "r" * 32
    option_id = "o" * (CHOICE_BUTTON_IDS - len(round_id))  # the longest pair validate lets through
    assert cb.unpack(cb.pack(cb.Pick(round_id, 999, option_id))) == cb.Pick(round_id, 999, option_id)


def test_packing_refuses_more_than_64_bytes():
    with pytest.raises(ValueError, match="64 bytes"):
        cb.pack(cb.Pick("a" * 32, 1, "x" * 40))


@given(st.text(max_size=80))
def test_unpack_never_raises_anything_but_invalid_callback(raw):
    try:
        cb.unpack(raw)
    except cb.InvalidCallback:
        pass
