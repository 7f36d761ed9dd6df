package workforce

import (
	"errors"
	"math"
)

// MinActual is the least actual demand of an interval that MAPE divides
// by; quieter intervals count as zero demand.
const MinActual = 1e-9

// Accuracy is the error of forecasts against held-out actual demand.
type Accuracy struct {
	// Days is the number of held-out days forecast and compared; Skipped
	// the held-out days that could not be forecast (no earlier day of
	// their type).
	Days    int `json:"days"`
	Skipped int `json:"skipped"`
	// Intervals is the number of intervals compared, Zero those among them
	// whose actual demand was zero (below MinActual; left out of MAPE,
	// which divides by the actual value).
	Intervals int `json:"intervals"`
	Zero      int `json:"zero"`
	// MAPE is the mean absolute percentage error over intervals with
	// actual demand (A >= MinActual): mean(|F-A|/A), as a fraction
	// (0.12 = 12 %).
	MAPE float64 `json:"mape"`
	// WAPE is the weighted absolute percentage error sum|F-A| / sum A,
	// robust to quiet intervals; 0 when there was no actual demand.
	WAPE float64 `json:"wape"`
	// Bias is sum(F-A) / sum A: positive when the forecasts ran high.
	Bias float64 `json:"bias"`
	// MAE is the mean absolute error per interval, in contacts.
	MAE float64 `json:"mae"`
}

// Backtest measures the forecast error on the held-out history days from
// from to to (inclusive, "YYYY-MM-DD"): each such day is forecast from the
// history before it only (a rolling origin, one day ahead, as the host
// would forecast each morning) and compared interval by interval with what
// happened.
func (f *Forecaster) Backtest(history []DayCounts, from, to string) (Accuracy, error) {
	var errs []error
	lo, ok := dayNumber(from)
	if !ok {
		errs = append(errs, inputErr("from %q is not YYYY-MM-DD", from))
	}
	hi, ok2 := dayNumber(to)
	if !ok2 {
		errs = append(errs, inputErr("to %q is not YYYY-MM-DD", to))
	}
	if ok && ok2 && hi < lo {
		errs = append(errs, inputErr("to %s is before from %s", to, from))
	}
	hs, err := f.index(history)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Accuracy{}, errors.Join(errs...)
	}
	var acc Accuracy
	var sumAPE, sumAbs, sumErr, sumActual float64
	for i, n := range hs.nums {
		if n < lo || n > hi {
			continue
		}
		fc, err := f.forecast(hs, n)
		if errors.Is(err, ErrInsufficientHistory) {
			acc.Skipped++
			continue
		}
		if err != nil {
			return Accuracy{}, err
		}
		acc.Days++
		for s, a := range hs.days[i].Counts {
			e := fc.Counts[s] - a
			acc.Intervals++
			sumAbs += math.Abs(e)
			sumErr += e
			sumActual += a
			if a >= MinActual {
				sumAPE += math.Abs(e) / a
			} else {
				acc.Zero++
			}
		}
	}
	if n := acc.Intervals - acc.Zero; n > 0 {
		acc.MAPE = sumAPE / float64(n)
	}
	if sumActual > 0 {
		acc.WAPE = sumAbs / sumActual
		acc.Bias = sumErr / sumActual
	}
	if acc.Intervals > 0 {
		acc.MAE = sumAbs / float64(acc.Intervals)
	}
	return acc, nil
}
