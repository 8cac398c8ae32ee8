"""Login / logout."""
from __future__ import annotations

import hashlib
import secrets

from fastapi import APIRouter, HTTPException

from app.core import SessionStore  # [SSOT201]
from app.core.rate_limit import RateLimiter

router = APIRouter(prefix="/auth")
_sessions = SessionStore(namespace="auth")
_login_limiter = RateLimiter(limit=5, window=300.0)


@router.post("/login")
async def login(username: str, password_hash: str) -> dict[str, str]:
    if not _login_limiter.allow_request(username):
        raise HTTPException(status_code=429, detail="too many attempts")
    _login_limiter.record_hit(username)
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
