"""Month-end forecasts made on day 10, against what the month then cost: `python -m bench.forecast_accuracy HOME`.

For each of the ledger's last `months` complete months, the series is cut after the 10th (nothing later is
read), the month end is forecast as `cloudledger forecast` does (exact cost of days 1–10 + the forecast of the
rest, AutoETS without and with the backtest's choice), and compared with the month's actual cost from the
ledger. Prints the absolute percentage error per month and their mean (MAPE), with the seasonal-naive baseline.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from cloudledger.analyses.forecast import BASELINE, backtest, daily_series, month_actuals, month_end
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger

CUT_DAY = 10


def main(home_dir: str, months: int = 12) -> None:
    view = open_ledger(Home(Path(home_dir)))
    try:
        final = max(s.end for s in daily_series(view.daily))
        rows = []
        first = (final.replace(day=1) - timedelta(days=1)).replace(day=1)  # the last complete month
        for _ in range(months):
            cut = first.replace(day=CUT_DAY)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            series = [s for s in daily_series(view.daily, end=cut) if s.currency == "USD"]
            so_far = month_actuals(view.daily, cut)
            truth = month_actuals(view.daily, last)[("total", "USD")]
            chosen = {f"{b.scope}|{b.currency}": b.chosen for b in backtest(series, horizon=21, windows=3)}
            picks = {
                "AutoETS": month_end(series, so_far, {s.key: "AutoETS" for s in series})[0],
                "chosen": month_end(series, so_far, chosen)[0],
                BASELINE: month_end(series, so_far, {s.key: BASELINE for s in series})[0],
            }
            errors = {k: abs(v.total - truth) / truth * 100 for k, v in picks.items()}
            rows.append((first.strftime("%Y-%m"), truth, picks["chosen"].model, errors))
            print(
                f"{first:%Y-%m} actual {truth:,.2f}  " + "  ".join(f"{k} {e:.2f} %" for k, e in errors.items()),
                flush=True,
            )
            first = (first - timedelta(days=1)).replace(day=1)
        for name in ("AutoETS", "chosen", BASELINE):
            mape = sum(r[3][name] for r in rows) / len(rows)
            print(f"MAPE {name}: {mape:.2f} % over {len(rows)} months")
    finally:
        view.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12)
