"""The production settings (read from the environment, DEBUG off) with the benchmark's
URLs; nothing else differs."""

from award_portal.settings import *  # noqa: F403  every production setting, unchanged

ROOT_URLCONF = "tests.benchmarks.public_urls"
