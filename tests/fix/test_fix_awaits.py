"""SSOT401 (drop the await, safe) and SSOT402 (add it, unsafe): exact before/after sources."""

from __future__ import annotations

from pathlib import Path

from tests.fix.fixhelpers import after, dedent, fix_project

FACTORY = """
class Manager:
    def count(self):
        return 0

def get_manager(user_id):
    return Manager()

async def fetch(user_id):
    return Manager()
"""


def fixed_use(tmp_path: Path, use: str, *, unsafe: bool = False) -> str:
    outcome = fix_project(tmp_path, {"app/__init__.py": "", "app/factory.py": FACTORY, "app/use.py": use},
                          unsafe=unsafe)  # fmt: skip
    assert not outcome.rejected
    assert outcome.result.findings == () or all(f.code not in ("SSOT401", "SSOT402") for f in outcome.result.findings)
    return after(outcome, "app/use.py")


def test_drop_await_keeps_comments_and_expression_context(tmp_path: Path) -> None:
    use = """
        from app.factory import get_manager

        async def handler(user_id):
            manager = await get_manager(user_id)  # the factory is sync
            total = 1 + (await get_manager(user_id)).count()
            return [await get_manager(u) for u in (user_id,)], manager, total
    """
    assert fixed_use(tmp_path, use) == dedent("""
        from app.factory import get_manager

        async def handler(user_id):
            manager = get_manager(user_id)  # the factory is sync
            total = 1 + (get_manager(user_id)).count()
            return [get_manager(u) for u in (user_id,)], manager, total
    """)


def test_drop_await_on_multi_line_and_parenthesised_calls(tmp_path: Path) -> None:
    use = """
        from app.factory import get_manager as factory

        async def handler(user_id):
            first = await (  # why: legacy
                factory(
                    user_id,  # the user
                )
            )
            second = await  factory(user_id)
            return first, second
    """
    assert fixed_use(tmp_path, use) == dedent("""
        from app.factory import get_manager as factory

        async def handler(user_id):
            first = (  # why: legacy
                factory(
                    user_id,  # the user
                )
            )
            second = factory(user_id)
            return first, second
    """)


def test_drop_await_on_method_of_a_returned_instance(tmp_path: Path) -> None:
    use = """
        from app.factory import get_manager

        async def handler(user_id):
            return await get_manager(user_id).count()
    """
    assert fixed_use(tmp_path, use) == dedent("""
        from app.factory import get_manager

        async def handler(user_id):
            return get_manager(user_id).count()
    """)


def test_crlf_file_keeps_its_newlines(tmp_path: Path) -> None:
    use = b"from app.factory import get_manager\r\n\r\nasync def handler(user_id):\r\n    return await get_manager(user_id)\r\n"
    outcome = fix_project(tmp_path, {"app/__init__.py": "", "app/factory.py": FACTORY}, raw={"app/use.py": use})
    assert outcome.after["app/use.py"] == use.replace(b"await ", b"")


def test_latin1_coding_line_and_non_ascii_before_the_await(tmp_path: Path) -> None:
    use = ("# -*- coding: latin-1 -*-\nfrom app.factory import get_manager\n\nasync def handler(user_id):\n"
           "    return ('déjà vu', await get_manager(user_id))\n").encode("latin-1")  # fmt: skip
    outcome = fix_project(tmp_path, {"app/__init__.py": "", "app/factory.py": FACTORY}, raw={"app/use.py": use})
    assert outcome.after["app/use.py"] == use.replace(b"await ", b"")
    assert b"d\xe9j\xe0" in outcome.after["app/use.py"]  # still latin-1, not UTF-8


def test_utf8_bom_is_kept(tmp_path: Path) -> None:
    use = "\ufefffrom app.factory import get_manager\n\nasync def h(u):\n    return await get_manager(u)  # ünïcode\n"
    outcome = fix_project(tmp_path, {"app/__init__.py": "", "app/factory.py": FACTORY},
                          raw={"app/use.py": use.encode("utf-8")})  # fmt: skip
    assert outcome.after["app/use.py"] == use.replace("await ", "").encode("utf-8")
    assert outcome.after["app/use.py"].startswith(b"\xef\xbb\xbf")


def test_add_await_is_unsafe_and_only_applied_with_unsafe(tmp_path: Path) -> None:
    use = """
        from app.factory import fetch

        async def handler(user_id):
            fetch(user_id)
            fetch(user_id).count()
            pending = fetch(user_id)
            return pending
    """
    outcome = fix_project(tmp_path, {"app/__init__.py": "", "app/factory.py": FACTORY, "app/use.py": use})
    assert outcome.after == {}
    assert {(s.finding.code, s.finding.location.line, s.reason) for s in outcome.skipped} == {
        ("SSOT402", 4, "unsafe fix (changes behaviour): pass --unsafe"),
        ("SSOT402", 5, "unsafe fix (changes behaviour): pass --unsafe"),
    }
    assert fixed_use(tmp_path / "unsafe", use, unsafe=True) == dedent("""
        from app.factory import fetch

        async def handler(user_id):
            await fetch(user_id)
            (await fetch(user_id)).count()
            pending = fetch(user_id)
            return pending
    """)


def test_no_await_added_outside_an_async_def(tmp_path: Path) -> None:
    use = """
        from app.factory import fetch

        def handler(user_id):
            fetch(user_id)
    """
    outcome = fix_project(tmp_path, {"app/__init__.py": "", "app/factory.py": FACTORY, "app/use.py": use}, unsafe=True)
    assert outcome.after == {}
    assert [(s.finding.code, s.finding.location.line) for s in outcome.skipped] == [("SSOT402", 4)]
    assert "not directly inside an async def" in outcome.skipped[0].reason
