-- wrk script: after the run, print the latency distribution as "PCT <percentile> <microseconds>" lines,
-- which benchlib.py pcts turns into percentiles.tsv (and plot.py into PNG curves). It defines only done(),
-- so wrk keeps its static-request fast path: the measured run is unchanged.
local points = { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100 }

done = function(summary, latency, requests)
  for _, p in ipairs(points) do
    -- wrk's percentile(100) overshoots its rank and returns 0: the maximum is latency.max
    local us = p == 100 and latency.max or latency:percentile(p)
    io.write(string.format("PCT %g %d\n", p, us))
  end
end
