"""Erlang C reproduces published values and the counters meet the target it is given."""

from __future__ import annotations

import pytest

from imigrasi.analytics.staffing import erlang_c, required_agents, service_level


def test_the_textbook_case_needs_14_counters_at_a_service_level_of_0_888():
    # 100 arrivals per 30 minutes, 3-minute service, 80 % within 20 seconds (pyworkforce 0.5.4
    # and the usual call-centre tables give 14 agents, service level 0.888, occupancy 0.714).
    result = required_agents(100, 30 * 60, 180, target_wait=20, target_level=0.8)
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.8884, abs=5e-4)
    assert result.occupancy == pytest.approx(0.7143, abs=5e-4)
    assert result.waiting_probability == pytest.approx(0.1741, abs=5e-4)


def test_one_counter_fewer_misses_the_target():
    assert service_level(13, 10.0, 20, 180) < 0.8 <= service_level(14, 10.0, 20, 180)


def test_the_occupancy_cap_adds_counters_when_the_level_alone_would_not():
    loose = required_agents(300, 60, 10, target_wait=20, target_level=0.5, max_occupancy=1.0)
    capped = required_agents(300, 60, 10, target_wait=20, target_level=0.5, max_occupancy=0.6)
    assert capped.agents > loose.agents and capped.occupancy <= 0.6


def test_counters_that_cannot_keep_up_always_have_a_queue():
    assert erlang_c(5, 5.0) == 1.0 and service_level(4, 5.0, 20, 180) == 0.0


def test_no_arrivals_need_no_counter():
    assert required_agents(0, 60, 10, target_wait=20).agents == 0


def test_a_large_office_does_not_overflow():
    result = required_agents(6000, 60, 12, target_wait=20)  # 1,200 Erlangs
    assert result.agents == 1412  # the 85 % occupancy cap decides: ceil(1200 / 0.85)
    assert result.service_level == pytest.approx(1.0)
