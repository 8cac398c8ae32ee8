"""Login / logout."""
from __future__ import annotations

import hashlib
import secrets

from fastapi import APIRouter, HTTPException

from app.core import SessionStore  # [SSOT201]

router = APIRouter(prefix="/auth")
_sessions = SessionStore(namespace="auth")


@router.post("/login")
async def login(username: str, password_hash: str) -> dict[str, str]:
    if len(password_hash) != 64:
        raise HTTPException(status_code=400, detail="bad hash")
    token = secrets.token_urlsafe(32)
    _sessions.set(token, username, ttl=8 * 3600)
    return {"token": token, "fingerprint": hashlib.sha256(token.encode()).hexdigest()[:8]}


@router.post("/logout")
async def logout(token: str) -> dict[str, bool]:
    existed = _sessions.get(token) is not None
    _sessions.delete(token)
    return {"logged_out": existed}
