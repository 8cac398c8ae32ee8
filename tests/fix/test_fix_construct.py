"""SSOT301 (unsafe): the configured factory instead of the constructor, only when the signature maps."""

from __future__ import annotations

from pathlib import Path

from tests.fix.fixhelpers import after, dedent, fix_project

WS = """
class WebSocketManager:
    def __init__(self, user_id, config=None):
        self.user_id = user_id


def get_websocket_manager(user_id, config=None):
    return WebSocketManager(user_id, config)
"""
TABLE = {"concepts": {"ws": {"canonical": "app.ws.WebSocketManager", "factories": ["app.ws.get_websocket_manager"]}}}


def test_constructor_call_becomes_the_factory_and_the_factory_is_imported(tmp_path: Path) -> None:
    use = '''
        """Routes."""
        from __future__ import annotations

        from app.ws import WebSocketManager


        def handler(user_id) -> WebSocketManager:
            return WebSocketManager(
                user_id,  # who
                config=None,
            )
    '''
    files = {"app/__init__.py": "", "app/ws.py": WS, "app/use.py": use}
    assert fix_project(tmp_path / "safe", files, table=TABLE, codes=("SSOT301",)).after == {}  # unsafe: opt-in
    outcome = fix_project(tmp_path / "unsafe", files, table=TABLE, codes=("SSOT301",), unsafe=True)
    assert after(outcome, "app/use.py") == dedent('''
        """Routes."""
        from __future__ import annotations

        from app.ws import WebSocketManager, get_websocket_manager


        def handler(user_id) -> WebSocketManager:
            return get_websocket_manager(
                user_id,  # who
                config=None,
            )
    ''')


def test_no_fix_when_the_parameters_differ(tmp_path: Path) -> None:
    ws = WS.replace("def get_websocket_manager(user_id, config=None)", "def get_websocket_manager(user)")
    ws = ws.replace("WebSocketManager(user_id, config)", "WebSocketManager(user)")
    files = {"app/__init__.py": "", "app/ws.py": ws,
             "app/use.py": "from app.ws import WebSocketManager\n\nM = WebSocketManager('u')\n"}  # fmt: skip
    outcome = fix_project(tmp_path, files, table=TABLE, codes=("SSOT301",), unsafe=True)
    assert outcome.after == {}
    assert [(s.finding.code, s.reason) for s in outcome.skipped] == [
        ("SSOT301", "the factory's parameters (user) differ from the constructor's (user_id, config)")]


def test_factory_import_goes_after_the_docstring_and_future_imports(tmp_path: Path) -> None:
    use = '''
        """Routes."""
        from __future__ import annotations

        import logging


        def handler(user_id):
            from app.ws import WebSocketManager
            return WebSocketManager(user_id)
    '''
    files = {"app/__init__.py": "", "app/ws.py": WS, "app/use.py": use}
    outcome = fix_project(tmp_path, files, table=TABLE, codes=("SSOT301",), unsafe=True)
    assert after(outcome, "app/use.py") == dedent('''
        """Routes."""
        from __future__ import annotations

        from app.ws import get_websocket_manager
        import logging


        def handler(user_id):
            from app.ws import WebSocketManager
            return get_websocket_manager(user_id)
    ''')
