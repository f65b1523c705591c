"""Forecasting counts per office × service: model chosen per series by a rolling-origin backtest.

Every series gets the same treatment, whatever its shape:

1. **Regular grid.** Missing days (or hours) are zeros: an office that served nobody recorded
   nothing. The series runs to the last timestamp of the whole input, so every forecast
   starts at the same step.
2. **Candidates** (statsforecast), by what the series can support: seasonal naive (the
   baseline: same weekday last week, same hour last week), ETS with additive level and season,
   MSTL (day and week seasons) for hourly series,
   and a seasonal ARIMA with the Indonesian calendar as regressors (holidays and cuti bersama,
   the Ramadan run-up to Lebaran, the post-Lebaran dip, Iduladha, school holidays, month start
   and end — see calendar.py). Short series fall back to naive and the historic average.
3. **Backtest.** Three rolling origins, each forecasting the next ``h`` steps (``h`` shrinks
   for short series), scored by MASE: mean absolute error divided by the in-sample error of
   the seasonal naive forecast. The lowest MASE wins; ties go to the simpler model. Without
   room for a backtest the simplest model that fits the length is used and MASE is None.
4. **Forecast** with the winner, 80 % prediction intervals, clipped at zero (counts).

Auto-ARIMA and auto-ETS searches were measured at 10 s and 0.65 s per fit on three years of
daily data here: too slow for 750 series. Fixed orders cost 0.05–0.16 s (docs/decisions).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import (
    ARIMA,
    MSTL,
    AutoETS,
    HistoricAverage,
    Naive,
    SeasonalNaive,
)

from imigrasi.analytics.calendar import calendar_features

logger = logging.getLogger(__name__)

# frequency -> (pandas alias, seasons (shortest first), most recent steps used for fitting)
FREQUENCIES: dict[str, tuple[str, tuple[int, ...], int]] = {
    "day": ("D", (7,), 2 * 366),
    "hour": ("h", (24, 168), 8 * 7 * 24),  # the day, and the week
}
MIN_OBSERVATIONS = 3
BACKTEST_ORIGINS = 3
CALENDAR_MODEL = "ARIMA+calendar"
ARIMA_WINDOW = 400  # days: one Lebaran cycle and a season of context
LEVEL = 80


@dataclass(frozen=True)
class SeriesForecast:
    office: str
    service: str
    model: str
    mase: float | None  # the chosen model's backtest MASE
    baseline_mase: float | None  # seasonal naive's, for comparison
    forecast: pd.DataFrame  # columns: ds, forecast, lo80, hi80


def main_season(length: int, seasons: tuple[int, ...]) -> int:
    """The longest season the series covers at least once over (1: no seasonality)."""
    fitting = [season for season in seasons if length >= season + 1]
    return max(fitting) if fitting else 1


def _candidates(length: int, seasons: tuple[int, ...], with_calendar: bool) -> dict[str, Any]:
    models: dict[str, Any] = {}
    season = main_season(length, seasons)
    if season > 1:
        models["SeasonalNaive"] = SeasonalNaive(season_length=season)
    short = seasons[0]
    if length >= 2 * short + 2:
        models["ETS"] = AutoETS(season_length=short, model="ANA", alias="ETS")
    if len(seasons) > 1 and length >= 2 * seasons[-1] + 1:
        models["MSTL"] = MSTL(season_length=list(seasons), alias="MSTL")
    if len(seasons) == 1 and length >= 4 * season and with_calendar:
        models["ARIMA+calendar"] = ARIMA(
            order=(1, 0, 1),
            season_length=season,
            seasonal_order=(0, 1, 1),
            method="CSS",
            alias="ARIMA+calendar",
        )
    if length >= 2:
        models["Naive"] = Naive()
    models["HistoricAverage"] = HistoricAverage()
    return models


# Simpler first: on equal backtest scores the earlier one wins.
_SIMPLICITY = ["HistoricAverage", "Naive", "SeasonalNaive", "ETS", "MSTL", "ARIMA+calendar"]


def _mase_scale(train: np.ndarray, season: int) -> float:
    lag = season if len(train) > season else 1
    if len(train) <= lag:
        return float(np.mean(np.abs(train))) or 1.0
    scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
    if scale == 0.0:
        scale = float(np.mean(np.abs(np.diff(train)))) if len(train) > 1 else 0.0
    return scale or (float(np.mean(np.abs(train))) or 1.0)


def _fit(models: list[Any], alias: str) -> StatsForecast:
    return StatsForecast(models=models, freq=alias, n_jobs=1)


def _calendar(ds: pd.Series) -> pd.DataFrame:
    return calendar_features(ds).reset_index(drop=True)


def _with_calendar(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Calendar columns that vary within this series (constant ones make ARIMA singular)."""
    features = _calendar(frame["ds"])
    varying = [c for c in features.columns if features[c].nunique() > 1]
    return pd.concat([frame.reset_index(drop=True), features[varying]], axis=1), varying


def _backtest(
    frame: pd.DataFrame, models: dict[str, Any], horizon: int, season: int, alias: str
) -> dict[str, float]:
    length = len(frame)
    step = min(horizon, (length - (season + 1)) // BACKTEST_ORIGINS)
    if step < 1:
        return {}
    first_origin = length - BACKTEST_ORIGINS * step
    scale = _mase_scale(frame["y"].to_numpy()[:first_origin], season)
    scores: dict[str, float] = {}
    plain = {name: model for name, model in models.items() if name != CALENDAR_MODEL}
    groups: list[tuple[dict[str, Any], pd.DataFrame]] = [(plain, frame[["unique_id", "ds", "y"]])]
    if CALENDAR_MODEL in models:
        # The regression model trains on the most recent ARIMA_WINDOW steps (still a whole
        # Lebaran cycle); its folds are the same last steps as everyone else's.
        groups.append(({CALENDAR_MODEL: models[CALENDAR_MODEL]}, frame.tail(ARIMA_WINDOW)))
    for group, data in groups:
        # The regression model is fitted once at the first origin and carried forward over
        # the later ones (statsforecast ``refit=False``): its parameters move little in
        # weeks, and three fits were most of the forecast job's time (ADR 0006).
        refit = CALENDAR_MODEL not in group
        for name, folds in _cross_validate(group, data, step, alias, refit=refit).items():
            errors = np.abs(folds["y"].to_numpy() - folds[name].to_numpy())
            if np.all(np.isfinite(errors)):
                scores[name] = float(np.mean(errors)) / scale
    return scores


def _cross_validate(
    models: dict[str, Any], data: pd.DataFrame, step: int, alias: str, *, refit: bool = True
) -> dict[str, pd.DataFrame]:
    """All models in one pass (one data preparation); if that fails, each alone, and a model
    that cannot fit this series is simply not a candidate."""
    batches = [list(models)]
    found: dict[str, pd.DataFrame] = {}
    while batches:
        names = batches.pop()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                folds = _fit([models[n] for n in names], alias).cross_validation(
                    df=data, h=step, n_windows=BACKTEST_ORIGINS, step_size=step, refit=refit
                )
        except Exception:
            logger.debug("backtest of %s failed", names, exc_info=True)
            if len(names) > 1:
                batches.extend([name] for name in names)
            continue
        found.update({name: folds for name in names})
    return found


def _choose(scores: dict[str, float], models: dict[str, Any]) -> str:
    if scores:
        return min(scores, key=lambda name: (round(scores[name], 6), _SIMPLICITY.index(name)))
    for name in ("SeasonalNaive", "Naive", "HistoricAverage"):
        if name in models:
            return name
    return "HistoricAverage"


def forecast_series(
    frame: pd.DataFrame, horizon: int, frequency: str, *, office: str = "", service: str = ""
) -> SeriesForecast:
    """``frame``: columns ds (regular grid, no gaps) and y, oldest first."""
    alias, seasons, window = FREQUENCIES[frequency]
    frame = frame.tail(window).reset_index(drop=True)
    frame = frame.assign(unique_id="s")[["unique_id", "ds", "y"]]
    calendar_frame, regressors = _with_calendar(frame)
    models = _candidates(len(frame), seasons, with_calendar=bool(regressors))
    season = main_season(len(frame), seasons)
    scores = _backtest(calendar_frame, models, horizon, season, alias)
    chosen = _choose(scores, models)
    future = pd.date_range(frame["ds"].iloc[-1], periods=horizon + 1, freq=alias)[1:]
    result = _final_forecast(
        chosen, models, frame, calendar_frame, regressors, future, horizon, alias
    )
    return SeriesForecast(
        office=office,
        service=service,
        model=chosen,
        mase=scores.get(chosen),
        baseline_mase=scores.get("SeasonalNaive"),
        forecast=result,
    )


def _final_forecast(
    chosen: str,
    models: dict[str, Any],
    frame: pd.DataFrame,
    calendar_frame: pd.DataFrame,
    regressors: list[str],
    future: pd.DatetimeIndex,
    horizon: int,
    alias: str,
) -> pd.DataFrame:
    order = [chosen] + [n for n in ("SeasonalNaive", "Naive", "HistoricAverage") if n != chosen]
    for name in order:
        if name not in models:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if name == "ARIMA+calendar":
                    future_x = _calendar(pd.Series(future))[regressors]
                    future_x.insert(0, "ds", future)
                    future_x.insert(0, "unique_id", "s")
                    out = _fit([models[name]], alias).forecast(
                        df=calendar_frame.tail(ARIMA_WINDOW),
                        h=horizon,
                        X_df=future_x,
                        level=[LEVEL],
                    )
                else:
                    out = _fit([models[name]], alias).forecast(df=frame, h=horizon, level=[LEVEL])
        except Exception:
            logger.debug("forecast with %s failed", name, exc_info=True)
            continue
        point = out[name].to_numpy(dtype=float)
        lo = out.get(f"{name}-lo-{LEVEL}", out[name]).to_numpy(dtype=float)
        hi = out.get(f"{name}-hi-{LEVEL}", out[name]).to_numpy(dtype=float)
        if not (np.all(np.isfinite(point)) and np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
            continue
        point = np.clip(point, 0, None)
        return pd.DataFrame(
            {
                "ds": future,
                "forecast": point,
                "lo80": np.clip(np.minimum(lo, point), 0, None),
                "hi80": np.maximum(hi, point),
            }
        )
    mean = float(frame["y"].mean()) if len(frame) else 0.0  # nothing could fit: flat mean
    spread = float(frame["y"].std()) if len(frame) > 1 else 0.0
    spread = 0.0 if math.isnan(spread) else spread * 1.2816
    return pd.DataFrame(
        {
            "ds": future,
            "forecast": mean,
            "lo80": max(0.0, mean - spread),
            "hi80": mean + spread,
        }
    )


def regular_grid(
    observations: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, frequency: str
) -> pd.DataFrame:
    """``observations``: ds, y for one series. Missing steps between ``start`` and ``end`` are
    zeros (nothing was recorded because nobody came)."""
    alias = FREQUENCIES[frequency][0]
    index = pd.date_range(start, end, freq=alias)
    values = observations.groupby("ds")["y"].sum().reindex(index, fill_value=0.0)
    return pd.DataFrame({"ds": index, "y": values.to_numpy(dtype=float)})


def _forecast_group(
    args: tuple[str, str, pd.DataFrame, pd.Timestamp, int, str],
) -> SeriesForecast:
    office, service, rows, end, horizon, frequency = args
    series = regular_grid(
        rows.rename(columns={"date": "ds", "count": "y"}), rows["date"].min(), end, frequency
    )
    return forecast_series(series, horizon, frequency, office=office, service=service)


def forecast_all(
    data: pd.DataFrame, horizon: int, frequency: str, *, workers: int = 1
) -> list[SeriesForecast]:
    """``data``: columns date (Timestamp), office, service, count. Every series is forecast
    from the last timestamp of the whole input. ``workers`` > 1 fits series in that many
    processes (each fit is single-threaded numba code, so processes are what scales)."""
    end = data["date"].max()
    groups = [
        (str(office), str(service), rows, end, horizon, frequency)
        for (office, service), rows in data.groupby(["office", "service"], sort=True)
    ]
    if workers <= 1 or len(groups) < 2 * workers:
        return [_forecast_group(group) for group in groups]
    context = multiprocessing.get_context("spawn")  # never fork a threaded server process
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(
            pool.map(_forecast_group, groups, chunksize=max(1, len(groups) // (8 * workers)))
        )
