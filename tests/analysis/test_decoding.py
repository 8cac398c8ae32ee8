"""Undecodable files: the message says what is wrong and where, with or without a coding declaration."""

from __future__ import annotations

from ssot_audit.analysis.parsing import ParseFailure, decode_source


def test_non_utf8_bytes_without_a_declaration_point_at_the_bad_byte() -> None:
    failure = decode_source(b"x = 1\ny = '\xff'\n")
    assert isinstance(failure, ParseFailure)
    assert (failure.kind, failure.line, failure.column) == ("decode", 2, 6)
    assert "cannot decode as utf-8" in failure.message


def test_non_utf8_first_line_is_not_called_a_bad_declaration() -> None:
    failure = decode_source(b"\xff\xfe bad\n")
    assert isinstance(failure, ParseFailure)
    assert "declaration" not in failure.message and (failure.line, failure.column) == (1, 1)


def test_unknown_declared_encoding_is_named() -> None:
    failure = decode_source(b"# -*- coding: bogus-enc -*-\nx = 1\n")
    assert isinstance(failure, ParseFailure)
    assert failure.message == "bad encoding declaration: unknown encoding: bogus-enc"


def test_declared_latin1_decodes() -> None:
    assert decode_source(b"# coding: latin-1\nname = '\xe9'\n") == "# coding: latin-1\nname = '\u00e9'\n"
