"""`assist db migrate` and `assist db check`: which components' migrations a database lacks."""

from __future__ import annotations

from collections.abc import Iterable

from assist.store.base import Migration, Store


async def missing(store: Store, migrations: Iterable[Migration]) -> list[Migration]:
    """The migrations not yet applied to an open store, in the order they would be applied."""
    async with store.transaction() as tx:
        rows = await tx.fetchall("SELECT component, version FROM schema_migrations")
    done = {(str(r["component"]), int(r["version"])) for r in rows}
    return sorted(
        (m for m in migrations if (m.component, m.version) not in done),
        key=lambda m: (m.component, m.version),
    )
