import pytest

from bot.validation import (
    InvalidValue,
    clean_free_text,
    clean_name,
    find_code,
    find_email,
    find_introduced_name,
    is_skip_answer,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("  Ana.Nunez@Example.COM ", "ana.nunez@example.com"),
        ("luis+cumbre@correo.mx", "luis+cumbre@correo.mx"),
    ],
)
def test_email_normalised_trimmed_lowercase(typed, expected):
    assert normalise_email(typed) == expected


@pytest.mark.parametrize("typed", ["ana@", "ana.example.com", "ana@@example.com", "", "a" * 250 + "@x.com"])
def test_email_malformed_rejected(typed):
    with pytest.raises(InvalidValue):
        normalise_email(typed)


def test_email_found_inside_sentence():
    assert find_email("mi correo es ana@example.com, gracias") == "ana@example.com"
    assert find_email("no tengo correo") is None


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("55 1234 5678", "+525512345678"),
        ("+52 (55) 1234-5678", "+525512345678"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_phone_stored_in_e164(typed, expected):
    assert normalise_phone(typed, "MX") == expected


@pytest.mark.parametrize("typed", ["12", "no es un teléfono", "5" * 41, "+52 55 1234"])
def test_phone_invalid_rejected(typed):
    with pytest.raises(InvalidValue):
        normalise_phone(typed, "MX")


@pytest.mark.parametrize("name", ["Seán O'Brien", "María-José D’Ávila", "Ana Núñez 🌮", "Xóchitl Ayala"])
def test_name_kept_exactly_as_typed(name):
    assert clean_name(f"  {name} ") == name


@pytest.mark.parametrize("typed", ["", "   ", "ana@example.com", "R2D2", "!!!", "a" * 101])
def test_name_invalid_rejected(typed):
    with pytest.raises(InvalidValue):
        clean_name(typed)


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("quiero una entrada de estudiante, soy Ana Núñez", "Ana Núñez"),
        ("Hola, me llamo María-José D’Ávila y mi correo es mj@example.com", "María-José D’Ávila"),
        ("my name is Seán O'Brien, email sean@example.ie", "Seán O'Brien"),
    ],
)
def test_introduced_name_found(sentence, name):
    assert find_introduced_name(sentence) == name


def test_introduced_name_absent():
    assert find_introduced_name("quiero registrarme") is None


@pytest.mark.parametrize("typed, code", [("482913", "482913"), ("mi código es 482 913", "482913"), ("48-29-13", None)])
def test_code_found(typed, code):
    assert find_code(typed) == code


def test_code_not_taken_from_longer_number():
    assert find_code("5512345678") is None


@pytest.mark.parametrize("answer", ["no", "No.", "ninguna", "NINGUNO", "skip", "none", "n/a", "omitir"])
def test_skip_answers(answer):
    assert is_skip_answer(answer)


@pytest.mark.parametrize("answer", ["vegetariano", "Acme", "nada de mariscos"])
def test_real_answers_not_skipped(answer):
    assert not is_skip_answer(answer)


def test_free_text_limit():
    assert clean_free_text("  sin   gluten ") == "sin gluten"
    with pytest.raises(InvalidValue):
        clean_free_text("x" * 10_000)
