#include "gprkit/detect/flat_top.h"

#include <algorithm>
#include <cmath>

#include "../core/trace_max.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "score_kernels.h"

namespace gprkit {

std::ptrdiff_t rescore_flat_tops(ConstView in, const Header& h, const ScoreOptions& so,
                                 MutView score, double threshold, const FlatTopOptions& o) {
  constexpr const char* w = "rescore_flat_tops";
  check::same_shape(w, in, score);
  check::finite(w, "threshold", threshold);
  check::finite(w, "min_score", o.min_score);
  for (double hw : o.half_widths_m) check::in_range(w, "half_widths_m", hw, 0.0, 1.0);
  const std::ptrdiff_t m = in.n_samples, n = in.n_traces;
  if (m < 3 || n < 3 || o.half_widths_m.empty() || !(o.min_score < threshold)) return 0;
  const ScoreWindows win = score_windows(in, h, so);
  const double dx = n > 1 ? std::abs(h.trace_x_m(n - 1) - h.trace_x_m(0)) / double(n - 1) : 0.0;
  if (!(dx > 0)) return 0;
  const detect_detail::HyperbolaTables tab = detect_detail::hyperbola_tables(m, h, dx, win, so);
  const std::ptrdiff_t A = tab.aperture, L = tab.window;
  // Candidates first (the scan must see the original scores, not raised ones).
  struct Cell {
    std::ptrdiff_t i, j;
  };
  // One pass over blocks of traces (in parallel; the blocks' results joined in order):
  // the candidates, and each trace's largest score from tab.first_row down.
  constexpr std::ptrdiff_t kBlock = 256;
  const std::ptrdiff_t nb = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<Cell>> block_cells(static_cast<std::size_t>(nb));
  std::vector<float> trace_max(static_cast<std::size_t>(n));
  const int nt_scan = threads_for(static_cast<std::size_t>(m * n));
#pragma omp parallel for schedule(static) num_threads(nt_scan)
  for (std::ptrdiff_t b = 0; b < nb; ++b) {
    std::vector<Cell>& out = block_cells[static_cast<std::size_t>(b)];
    for (std::ptrdiff_t j = b * kBlock; j < std::min(n, (b + 1) * kBlock); ++j) {
      const float best = detail::trace_max(score, j, tab.first_row, [](float x) { return x; });
      trace_max[static_cast<std::size_t>(j)] = best;
      if (!(best >= o.min_score)) continue;  // no cell of this trace can be a candidate
      for (std::ptrdiff_t i = tab.first_row; i < m; ++i) {
        const float v = score(i, j);
        if (!(v >= o.min_score && v < threshold)) continue;
        bool peak = true;
        for (std::ptrdiff_t dj = -1; dj <= 1 && peak; ++dj)
          for (std::ptrdiff_t di = -1; di <= 1; ++di) {
            const std::ptrdiff_t ii = i + di, jj = j + dj;
            if ((di || dj) && ii >= 0 && ii < m && jj >= 0 && jj < n && score(ii, jj) > v) {
              peak = false;
              break;
            }
          }
        if (peak) out.push_back({i, j});
      }
    }
  }
  std::vector<Cell> cells;
  for (const auto& bc : block_cells) cells.insert(cells.end(), bc.begin(), bc.end());
  // A strong diffraction's flanks rescore well as a wide top: leave candidates near a maximum
  // above the threshold that outscores them by 1 / shadow_ratio, and those whose aperture
  // leaves the line.
  std::vector<std::pair<double, float>> strong;  // (x, score) of the maxima above threshold
  for (std::ptrdiff_t j = 0; j < n; ++j)
    if (trace_max[static_cast<std::size_t>(j)] >= threshold)
      strong.emplace_back(h.trace_x_m(j), trace_max[static_cast<std::size_t>(j)]);
  std::erase_if(cells, [&](const Cell& c) {
    if (c.j < A || c.j >= n - A) return true;
    const double x = h.trace_x_m(c.j);
    for (const auto& [xs, v] : strong)
      if (std::abs(xs - x) <= o.shadow_radius_m && score(c.i, c.j) < o.shadow_ratio * v)
        return true;
    return false;
  });
  // Per-trace noise levels as the hyperbola score has them, on the traces some candidate's
  // widths read (a few candidates read a small part of a long line), then each candidate on
  // its own (in parallel: the candidates were fixed above, and the raises are applied in
  // order below).
  std::ptrdiff_t widest = 0;
  for (double hw : o.half_widths_m)
    widest = std::max(widest, static_cast<std::ptrdiff_t>(std::lround(hw / dx)));
  std::vector<char> needed(static_cast<std::size_t>(n), 0);
  for (const Cell& c : cells)
    std::fill(needed.begin() + std::max<std::ptrdiff_t>(0, c.j - (A + 2 * widest)),
              needed.begin() + std::min(n, c.j + (A + 2 * widest) + 1), 1);
  std::vector<std::ptrdiff_t> traces;
  for (std::ptrdiff_t j = 0; j < n; ++j)
    if (needed[static_cast<std::size_t>(j)]) traces.push_back(j);
  std::vector<double> sigma(static_cast<std::size_t>(n));
  const auto nneed = static_cast<std::ptrdiff_t>(traces.size());
  const int nt_sigma = threads_for(static_cast<std::size_t>(nneed * m));
#pragma omp parallel num_threads(nt_sigma)
  {
    std::vector<float> col(static_cast<std::size_t>(m)), sbuf(static_cast<std::size_t>(m));
#pragma omp for schedule(static)
    for (std::ptrdiff_t u = 0; u < nneed; ++u) {
      const std::ptrdiff_t j = traces[static_cast<std::size_t>(u)];
      for (std::ptrdiff_t i = 0; i < m; ++i) col[static_cast<std::size_t>(i)] = in(i, j);
      sigma[static_cast<std::size_t>(j)] = detect_detail::robust_sigma(col.data(), m, sbuf.data());
    }
  }
  const int nt = threads_for(static_cast<std::size_t>(cells.size()) * 20000);
  struct Result {
    double best = 0.0;
    std::ptrdiff_t row = 0;
  };
  std::vector<Result> results(cells.size());
  const auto nc = static_cast<std::ptrdiff_t>(cells.size());
#pragma omp parallel num_threads(nt)
  {
    // Per half-width and centre (the candidate's trace, or a half-width to either side: the
    // candidate may be an edge): the half-width W (traces), the traces [j0, j1] it reads and
    // their noise floor, the same for every row tried.
    struct Width {
      std::ptrdiff_t W = 0, centre = 0, j0 = 0, j1 = 0;
      double floor2 = 0.0;
    };
    std::vector<Width> widths;
    std::vector<double> fbuf, fscratch, s, e;
#pragma omp for schedule(dynamic, 16)
    for (std::ptrdiff_t q = 0; q < nc; ++q) {
      const Cell& c = cells[static_cast<std::size_t>(q)];
      // The hyperbola score of a flat top peaks off its time: try rows within a period of it.
      Result& res = results[static_cast<std::size_t>(q)];
      res.row = c.i;
      widths.clear();
      for (double hw : o.half_widths_m) {
        const auto W = static_cast<std::ptrdiff_t>(std::lround(hw / dx));
        for (std::ptrdiff_t centre : {c.j, c.j - W, c.j + W}) {
          if (centre != c.j && (W == 0 || centre < A || centre >= n - A)) continue;
          Width wd;
          wd.W = W;
          wd.centre = centre;
          wd.j0 = std::max<std::ptrdiff_t>(0, centre - (A + W));
          wd.j1 = std::min(n - 1, centre + (A + W));
          fbuf.assign(sigma.begin() + wd.j0, sigma.begin() + wd.j1 + 1);
          fscratch.resize(2 * fbuf.size());
          wd.floor2 = detect_detail::hyperbola_floor(
              fbuf.data(), static_cast<std::ptrdiff_t>(fbuf.size()), fscratch.data());
          widths.push_back(wd);
        }
      }
      const std::ptrdiff_t step = std::max<std::ptrdiff_t>(1, L / 3);
      for (std::ptrdiff_t r = std::max(tab.first_row, c.i - 2 * L); r <= c.i + 2 * L; r += step) {
        if (r >= tab.lim[static_cast<std::size_t>(A)]) break;  // the flanks leave the trace
        for (const Width& wd : widths) {
          const std::ptrdiff_t W = wd.W, j0 = wd.j0, j1 = wd.j1;
          const double floor2 = wd.floor2;
          const std::ptrdiff_t i0 = std::max(tab.first_row, r - L), i1 = std::min(m - 1, r + L);
          s.assign(static_cast<std::size_t>(i1 - i0 + 1), 0.0);
          e.assign(s.size(), 0.0);
          double count = 0.0;
          for (std::ptrdiff_t j = j0; j <= j1; ++j) {
            const std::ptrdiff_t k = std::abs(j - wd.centre);
            const std::ptrdiff_t d =
                k <= W ? 0 : tab.off[static_cast<std::size_t>((k - W) * m + r)];
            count += 1.0;
            for (std::ptrdiff_t i = i0; i <= i1; ++i) {
              const std::ptrdiff_t qq = i + d;
              const double x = qq < m ? in(qq, j) : 0.0;
              s[static_cast<std::size_t>(i - i0)] += x;
              e[static_cast<std::size_t>(i - i0)] += x * x;
            }
          }
          double num = 0.0, den = 0.0;
          for (std::size_t u = 0; u < s.size(); ++u) {
            num += s[u] * s[u];
            den += count * e[u] + count * count * floor2;
          }
          if (den > 0 && num / den > res.best) {
            res.best = num / den;
            res.row = r;
          }
        }
      }
    }
  }
  std::ptrdiff_t raised = 0;
  for (std::size_t q = 0; q < cells.size(); ++q) {
    const Cell& c = cells[q];
    const Result& res = results[q];
    // The raised value sits at the row that fits (a local maximum there, for the suppression).
    if (res.best > score(c.i, c.j) && res.best > score(res.row, c.j)) {
      score(res.row, c.j) = static_cast<float>(res.best);
      ++raised;
    }
  }
  return raised;
}

}  // namespace gprkit
