"""An installed wheel serves the same pages as a checkout."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile

from live import ROOT


def test_wheel_carries_static_templates_and_decks(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True, cwd=tmp_path, capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("too_sandy-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "trainer/static/js/play.js",
        "trainer/static/vendor/socket.io/socket.io.esm.min.js",
        "trainer/static/vendor/socket.io/LICENSE",
        "trainer/templates/host.html",
        "trainer/decks/shipped/starter-en.json",
        "trainer/templates/admin/deck.html",
        "trainer/static/js/admin.js",
        "trainer/migrations/env.py",
        "trainer/migrations/versions/0001_baseline.py",
        "trainer/decks/shipped/starter-ru.json",
        *(f"trainer/translations/{lang}/LC_MESSAGES/messages.mo" for lang in ("ru", "uk", "el")),
    ):
        assert expected in names

    # Unpacked away from the checkout, the package finds its own copies.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(site)!r})
        from trainer import create_app, paths
        assert str(paths.STATIC).startswith({str(site)!r}), paths.STATIC
        app = create_app({{"TESTING": True, "SECRET_KEY": "x", "ASYNC_MODE": "threading",
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"}})
        page = app.test_client().get("/join")
        assert page.status_code == 200 and b"Room code" in page.data
        greek = app.test_client().get("/join", headers={{"Accept-Language": "el"}})
        assert "Κωδικός δωματίου" in greek.get_data(as_text=True)
        # The schema came from the wheel's own migrations.
        from trainer.database.schema import current_revision
        with app.app_context():
            assert current_revision() is not None
        print("served")
    """)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.stdout.strip() == "served", result.stderr
