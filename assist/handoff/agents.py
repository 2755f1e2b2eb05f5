"""Agent presence: staff sign in to the queue with skills, and sign out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from assist.handoff.entries import CLAIMED
from assist.store.base import Tx


@dataclass(frozen=True)
class Agent:
    """A member of staff as the queue sees them."""

    agent_id: str
    skills: frozenset[str]
    signed_in: bool
    busy: int = 0
    """How many conversations they hold right now."""

    def can_serve(self, skill: str | None) -> bool:
        """True when this agent has the skill an entry needs (None needs none)."""
        return skill is None or skill in self.skills


async def sign_in(tx: Tx, agent_id: str, skills: Iterable[str], now: float) -> None:
    """Mark an agent available to the queue with these skills (e.g. `social_care`, `lang:pl`)."""
    await tx.execute(
        "INSERT INTO handoff_agents (agent_id, skills, signed_in, signed_in_at, updated_at)"
        " VALUES (?,?,1,?,?) ON CONFLICT(agent_id) DO UPDATE SET skills=excluded.skills,"
        " signed_in=1, signed_in_at=excluded.signed_in_at, updated_at=excluded.updated_at",
        (agent_id, json.dumps(sorted(set(skills))), now, now),
    )


async def sign_out(tx: Tx, agent_id: str, now: float) -> None:
    """Mark an agent unavailable (their open conversations stay with them)."""
    await tx.execute(
        "UPDATE handoff_agents SET signed_in = 0, updated_at = ? WHERE agent_id = ?",
        (now, agent_id),
    )


async def get_agent(tx: Tx, agent_id: str) -> Agent | None:
    """The agent, or None when they have never signed in."""
    for agent in await list_agents(tx, only_signed_in=False):
        if agent.agent_id == agent_id:
            return agent
    return None


async def list_agents(tx: Tx, only_signed_in: bool = True) -> list[Agent]:
    """Agents with how many conversations each holds."""
    rows = await tx.fetchall(
        "SELECT a.agent_id, a.skills, a.signed_in,"
        " (SELECT COUNT(*) FROM handoff_entries e WHERE e.claimed_by = a.agent_id"
        "  AND e.status = ?) AS busy FROM handoff_agents a ORDER BY a.agent_id",
        (CLAIMED,),
    )
    agents = [
        Agent(
            r["agent_id"], frozenset(json.loads(r["skills"])), bool(r["signed_in"]), int(r["busy"])
        )
        for r in rows
    ]
    return [a for a in agents if a.signed_in] if only_signed_in else agents
