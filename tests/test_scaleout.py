"""Two workers on PostgreSQL and Redis, behind nginx, lose one mid-round.

The deployment is deploy/'s own: start-workers starts the workers and
render-nginx writes the site that our own nginx (a loopback port, a temp
folder) serves. Round 1: the projector talks to one worker and the phones
to the other, directly, so every announcement crosses the Redis queue.
Round 2 goes through nginx; mid-round the worker serving the first phone
is killed with SIGKILL. Its clients reconnect through nginx to the other
worker, find their draft and submission where they left them, and finish
the session with every vote counted.
"""

from __future__ import annotations

import pytest
from scaleout_helpers import Client, create_session, join, requests_header, wait_for
from scaleout_helpers import deployment as two_workers
from services import POSTGRES_ENV, REDIS_ENV, fresh_database, require

pytestmark = pytest.mark.live

PHONES = ("Ana", "Bo", "Cy")


@pytest.fixture
def deployment(tmp_path):
    postgres, redis = require(POSTGRES_ENV, REDIS_ENV)
    with fresh_database(postgres, "too_sandy_scaleout") as database, two_workers(tmp_path, database, redis) as both:
        yield both


def play_writing(phones: dict[str, Client], round_no: int, texts: dict[str, str]) -> None:
    for name, phone in phones.items():
        if name in texts:
            phone.call("submit", {"round": round_no, "text": texts[name]})


def vote_all(phones: dict[str, Client], round_no: int) -> int:
    cast = 0
    for phone in phones.values():
        ballot = phone.latest("voting", round_no)
        for reply in ballot["ballot"][: ballot["votes_allowed"]]:
            phone.call("vote", {"reply_id": reply["id"]})
            cast += 1
    return cast


def test_two_workers_behind_nginx_survive_losing_one(deployment):
    workers, nginx = deployment
    first, second = (f"http://127.0.0.1:{port}" for port in workers.ports)
    host = Client("/host")
    phones = {name: Client("/play") for name in PHONES}
    try:
        # --- round 1: projector on one worker, phones on the other ---------
        code = create_session(host, first, rounds=2)
        host.connect(first, {"code": code})
        tokens = {name: join(phone, second, code, name) for name, phone in phones.items()}
        for name, phone in phones.items():
            phone.connect(second, {"token": tokens[name]})
        wait_for(lambda: sum(e == "player_joined" for e, _ in host.events) == 3, "three joins on the projector")

        host.call("next")
        for phone in phones.values():
            assert phone.latest("writing", 1)["card"]["complaint"]
        phones["Ana"].call("draft", {"round": 1, "text": "Sand is"})
        first_two, last = PHONES[:2], PHONES[2]
        play_writing(phones, 1, {n: f"{n}'s first reply" for n in first_two})
        # Counted on the phones' worker, shown on the projector's: through Redis.
        wait_for(lambda: any(e == "progress" and d.get("submitted") == 2 for e, d in host.events),
                 "progress counts crossing the queue")
        play_writing(phones, 1, {last: f"{last}'s first reply"})
        host.latest("voting", 1)
        votes_round_1 = vote_all(phones, 1)
        results = host.latest("results", 1)
        assert sum(r["votes"] for r in results["replies"]) == votes_round_1 == 6
        # Each phase change was announced once, though both workers sweep.
        assert host.count("voting", 1) == host.count("results", 1) == 1

        # --- round 2: everyone through nginx, then a worker dies ----------
        host.connect(nginx.url, {"code": code})
        for name, phone in phones.items():
            phone.http.get(f"{nginx.url}/join/{code}", timeout=10)
            phone.connect(nginx.url, {"token": tokens[name]})
        host.call("next")
        for phone in phones.values():
            phone.latest("writing", 2)
        phones["Ana"].call("draft", {"round": 2, "text": "kept through the crash"})
        phones["Bo"].call("submit", {"round": 2, "text": "submitted before the crash"})

        victim = phones["Ana"].worker()
        assert victim, "nginx names the worker it used"
        on_victim = [c for c in (host, *phones.values()) if c.worker() == victim]
        marks = {id(c): len(c.snapshots) for c in on_victim}
        workers.kill(int(victim.rsplit(":", 1)[1]))

        for client in on_victim:  # reconnected through nginx: a fresh snapshot
            client.latest("writing", 2, since=marks[id(client)])
            assert client.worker() != victim
        ana = phones["Ana"].latest("writing", 2)
        assert ana["draft"] == "kept through the crash"
        assert phones["Bo"].call("sync")["snapshot"]["submitted"] == "submitted before the crash"
        assert host.call("sync")["snapshot"]["progress"] == {"submitted": 1, "total": 3}

        play_writing(phones, 2, {"Ana": ana["draft"] + ", and then some", "Cy": "Cy's second reply"})
        host.latest("voting", 2)
        votes_round_2 = vote_all(phones, 2)
        host.latest("results", 2)
        host.call("next")
        final = host.latest("finished", 2)
        points = sum(row["score"] for row in final["leaderboard"])
        assert points == 100 * (votes_round_1 + votes_round_2)
        assert {r["text"] for r in final["replies"]} == {
            "kept through the crash, and then some", "submitted before the crash", "Cy's second reply"}
        for phone in phones.values():
            assert phone.latest("finished", 2)["podium"]
        assert requests_header(phones["Cy"].http, nginx.url + "/healthz") != victim
    finally:
        for client in (host, *phones.values()):
            client.close()
