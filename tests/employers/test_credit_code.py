"""The unified social credit code and its check character (GB 32100-2015)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from onewindow.employers.models import validate_credit_code

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_it_accepts_a_code_with_the_right_check_character() -> None:
    validate_credit_code("91440300MA5F000017"[:17] + uscc.calc_check_digit("91440300MA5F00001"))


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91440300MA5F0000", "exactly 18 characters"),
        ("91440300MA5F00001X", "check character"),
        ("91440300MA5F0000I1", "not allowed"),
    ],
)
def test_it_refuses_a_malformed_code_saying_why(code: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(code)
    assert reason in " ".join(refused.value.messages)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17).filter(lambda s: s[8:16].isalnum()))
def test_it_detects_every_single_character_error(body: str) -> None:
    try:
        check = uscc.calc_check_digit(body)
    except Exception:
        return
    code = body + check
    wrong = next(c for c in ALPHABET if c != check)
    with pytest.raises(ValidationError):
        validate_credit_code(body + wrong)
    assert len(code) == 18
