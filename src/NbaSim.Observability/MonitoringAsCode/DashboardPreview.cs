using System.Globalization;
using System.Net;
using System.Text;

namespace NbaSim.Observability;

/// <summary>
/// Renders the dashboards, from the same definitions that are deployed, against recorded EMF data: one self-contained
/// HTML file with SVG charts (time axis, units, legends, thresholds, the budget line) that needs no network.
/// </summary>
public static class DashboardPreview
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
    private const int ChartWidth = 540;
    private const int ChartHeight = 230;
    private const int Left = 58;
    private const int Right = 16;
    private const int RightWithAxis = 58;

    /// <summary>Left-axis values whose largest is this many times the smallest are drawn on a logarithmic axis.</summary>
    internal const double LogScaleRatio = 1000;

    /// <summary>Most labelled decades on a log axis: about 12 px of height per label.</summary>
    private const int MaxLogTicks = 10;
    private const int Top = 12;
    private const int Bottom = 34;

    /// <summary>Renders <paramref name="dashboards"/> with the data of <paramref name="records"/>.</summary>
    public static string Render(IReadOnlyList<DashboardDefinition> dashboards, IReadOnlyList<EmfRecord> records, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(dashboards);
        ArgumentNullException.ThrowIfNull(records);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>NBA Simulator dashboards (preview)</title><style>")
            .Append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:16px;background:#f4f6f8;color:#16191f}")
            .Append("h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d5dbdb;padding-bottom:4px}")
            .Append(".grid{display:flex;flex-wrap:wrap;gap:12px}.widget{background:#fff;border:1px solid #d5dbdb;border-radius:4px;padding:8px 10px;width:")
            .Append(ChartWidth).Append("px}.widget.wide{width:").Append((ChartWidth * 2) + 12).Append("px}.widget h3{font-size:14px;margin:0 0 6px}")
            .Append(".legend{font-size:11px;display:flex;flex-wrap:wrap;gap:4px 12px}.legend span::before{content:'';display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle;background:var(--c)}")
            .Append(".empty{color:#8d99a8;font-size:12px}.sub{color:#5f6b7a;font-size:12px}table{font-size:12px;border-collapse:collapse}td{padding:2px 8px;border-bottom:1px solid #eee}")
            .Append("</style></head><body><h1>NBA Simulator dashboards — local preview</h1><div class=\"sub\">")
            .Append(Encode(subtitle ?? "Rendered from the dashboard definitions against recorded EMF data.")).Append("</div>");

        foreach (var dashboard in dashboards)
        {
            html.Append("<h2>").Append(Encode(dashboard.Name)).Append("</h2><div class=\"grid\">");
            foreach (var widget in dashboard.Widgets)
            {
                switch (widget)
                {
                    case MetricWidget metric:
                        RenderMetric(html, metric, records);
                        break;
                    case PromQLWidget promQL:
                        RenderMetric(html, AsMetricWidget(promQL), records, "PromQL");
                        break;
                    case AlarmStatusWidget alarms:
                        html.Append("<section class=\"widget wide\" data-kind=\"alarm\"><h3>").Append(Encode(alarms.Title)).Append("</h3><table>");
                        foreach (var arn in alarms.AlarmArns)
                        {
                            html.Append("<tr><td>").Append(Encode(arn[(arn.LastIndexOf(':') + 1)..])).Append("</td><td class=\"empty\">state not known offline — <code>nbaobs alarms status</code></td></tr>");
                        }

                        html.Append("</table></section>");
                        break;
                    case TextWidget text:
                        html.Append("<section class=\"widget wide\" data-kind=\"text\"><div class=\"sub\">").Append(Encode(text.Markdown)).Append("</div></section>");
                        break;
                }
            }

            html.Append("</div>");
        }

        // Counted in the browser, so a test can tell that every chart was drawn with data.
        html.Append("<script>addEventListener('load',()=>{const w=[...document.querySelectorAll('section[data-kind=metric]')];")
            .Append("document.body.dataset.metricWidgets=w.length;document.body.dataset.widgetsWithData=w.filter(s=>s.querySelectorAll('svg .series circle').length>0).length;")
            .Append("let o=[];for(const g of document.querySelectorAll('svg')){const t=[...g.querySelectorAll('text')].map(e=>[e,e.getBoundingClientRect()]);")
            .Append("for(let i=0;i<t.length;i++)for(let j=i+1;j<t.length;j++){const a=t[i][1],b=t[j][1];if(Math.min(a.right,b.right)-Math.max(a.left,b.left)>1&&Math.min(a.bottom,b.bottom)-Math.max(a.top,b.top)>1)o.push(t[i][0].textContent+'|'+t[j][0].textContent);}}")
            .Append("document.body.dataset.textOverlaps=o.length;document.body.dataset.overlapping=o.slice(0,5).join(';');")
            .Append("document.body.dataset.rightAxes=[...document.querySelectorAll('svg')].filter(g=>g.querySelector('.right-tick')).length;")
            .Append("document.body.dataset.logAxes=document.querySelectorAll('svg[data-scale=log]').length;});</script>")
            .Append("</body></html>");
        return html.ToString();
    }

    /// <summary>
    /// A PromQL chart drawn from recorded data: each query as the statistic it computes (its <see cref="PromQLLine"/>
    /// factory says which), each constant query as a horizontal line.
    /// </summary>
    internal static MetricWidget AsMetricWidget(PromQLWidget widget)
        => new(widget.Layout, widget.Title, widget.Lines.Where(l => l.Meaning is not null).Select(l => l.Meaning!).ToList(), widget.Step, "Average", widget.Region)
        {
            LeftAxis = widget.AxisTitle is null ? null : new AxisRange(Label: widget.AxisTitle),
            Annotations = widget.Lines.Where(l => l.Constant is not null).Select(l => new HorizontalAnnotation(l.Label ?? l.Query, l.Constant!.Value, "#d62728")).ToList(),
        };

    private static void RenderMetric(StringBuilder html, MetricWidget widget, IReadOnlyList<EmfRecord> records, string? language = null)
    {
        var series = widget.Lines.Where(l => l.Expression is null && !l.Hidden).Select((line, i) => (Line: line, Color: Palette[i % Palette.Length], Points: Points(line, line.Stat ?? widget.Stat, records))).ToList();
        var points = series.Sum(s => s.Points.Count);
        var unit = AxisUnit(widget, series.Where(s => !s.Line.RightAxis).Select(s => s.Line), records);
        html.Append("<section class=\"widget").Append(widget.Layout.Width >= 24 ? " wide" : string.Empty).Append("\" data-kind=\"metric\"").Append(language is null ? string.Empty : $" data-language=\"{language}\"").Append(" data-points=\"").Append(points).Append("\"><h3>")
            .Append(Encode(widget.Title)).Append("</h3>");

        var width = widget.Layout.Width >= 24 ? (ChartWidth * 2) + 12 : ChartWidth;
        var all = series.SelectMany(s => s.Points).ToList();
        if (all.Count == 0)
        {
            html.Append("<div class=\"empty\">no data recorded for this widget</div></section>");
            return;
        }

        var t0 = all.Min(p => p.Time);
        var t1 = all.Max(p => p.Time);
        if (t1 - t0 < TimeSpan.FromMinutes(1))
        {
            // A short run: its own span plus a margin (5 % a side, at least 2 s, so the five time labels are distinct),
            // not a minute that squeezes a 10-second run into a sixth of the chart.
            var pad = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, (t1 - t0).Ticks / 20));
            t0 = t0 - DateTimeOffset.MinValue > pad ? t0 - pad : DateTimeOffset.MinValue;
            t1 = DateTimeOffset.MaxValue - t1 > pad ? t1 + pad : DateTimeOffset.MaxValue;
            if (t1 == t0)
            {
                t1 = t0.AddTicks(1);
            }
        }

        var leftSeries = series.Where(s => !s.Line.RightAxis).SelectMany(s => s.Points).Select(p => p.Value).ToList();
        var annotations = widget.Annotations.Select(a => a.Value).ToList();

        // Series that differ by three orders of magnitude or more (a 0.45 s warm-up beside a 3 µs validation) share a
        // logarithmic axis: on a linear one the small ones lie flat on zero.
        var logScale = widget.LeftAxis?.Max is null && leftSeries.Count > 0 && leftSeries.All(v => v > 0 && double.IsFinite(v))
            && leftSeries.Max() / leftSeries.Min() >= LogScaleRatio;
        double min, max;
        List<double> ticks;
        if (logScale)
        {
            // Whole decades, kept finite and above zero (5e-324 and 1.7e308 are values too), labelled at most every
            // LogTickStep-th decade so that the labels never stack.
            var values = leftSeries.Concat(annotations.Where(a => a > 0 && double.IsFinite(a))).ToList();
            var low = (int)Math.Clamp(Math.Floor(Math.Log10(values.Min())), -300, 300);
            var high = (int)Math.Clamp(Math.Ceiling(Math.Log10(values.Max())), low + 1, 300);
            min = Math.Pow(10, low);
            max = Math.Pow(10, high);
            var step = Math.Max(1, (int)Math.Ceiling((high - low) / (double)MaxLogTicks));
            ticks = [];
            for (var decade = low; decade <= high; decade += step)
            {
                ticks.Add(Math.Pow(10, decade));
            }
        }
        else
        {
            min = widget.LeftAxis?.Min ?? Math.Min(0, leftSeries.Concat(annotations).DefaultIfEmpty(0).Min());
            max = widget.LeftAxis?.Max ?? leftSeries.Concat(annotations).DefaultIfEmpty(1).Max() * 1.1;
            ticks = Ticks(ref min, ref max, fixedMin: widget.LeftAxis?.Min is not null, fixedMax: widget.LeftAxis?.Max is not null);
        }

        // Right-axis series get an axis of their own, with its ticks and unit: 113 GB must not read as a count.
        var rightSeries = series.Where(s => s.Line.RightAxis && s.Points.Count > 0).ToList();
        double rightMin = 0, rightMax = 1;
        var rightTicks = new List<double>();
        if (rightSeries.Count > 0)
        {
            rightMax = Math.Max(rightSeries.SelectMany(s => s.Points).Max(p => p.Value) * 1.1, 1e-9);
            rightTicks = Ticks(ref rightMin, ref rightMax, fixedMin: true, fixedMax: false);
        }

        var right = rightSeries.Count > 0 ? RightWithAxis : Right;
        var plotW = width - Left - right;
        var plotH = ChartHeight - Top - Bottom;
        double X(DateTimeOffset t) => Left + (plotW * (t - t0).TotalSeconds / (t1 - t0).TotalSeconds);
        // Halves, so that an axis spanning ±1.7e308 does not overflow to infinity.
        double Linear(double v, double lo, double hi) => Top + plotH - (plotH * (((Math.Clamp(v, lo, hi) / 2) - (lo / 2)) / ((hi / 2) - (lo / 2))));
        double Logarithmic(double v) => Top + plotH - (plotH * (Math.Log10(Math.Clamp(v, min, max)) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min)));
        double YLeft(double v) => logScale ? Logarithmic(v) : Linear(v, min, max);

        var svg = new StringBuilder();
        svg.Append("<svg width=\"").Append(width).Append("\" height=\"").Append(ChartHeight).Append("\" role=\"img\"").Append(logScale ? " data-scale=\"log\"" : string.Empty).Append('>');
        foreach (var v in ticks)
        {
            var y = YLeft(v);
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{width - right}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#e9ebed\"/><text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:F1}\" font-size=\"10\" text-anchor=\"end\">{Format(v)}</text>"));
        }

        foreach (var v in rightTicks)
        {
            var y = Linear(v, rightMin, rightMax);
            svg.Append(Invariant($"<text class=\"tick right-tick\" x=\"{width - right + 6}\" y=\"{y + 4:F1}\" font-size=\"10\" text-anchor=\"start\">{Format(v)}</text>"));
        }

        for (var i = 0; i <= 4; i++)
        {
            var t = t0 + ((t1 - t0) * i / 4);
            var x = X(t);
            var anchor = i == 0 ? "start" : i == 4 ? "end" : "middle";
            svg.Append(Invariant($"<text class=\"time\" x=\"{x:F1}\" y=\"{ChartHeight - 16}\" font-size=\"10\" text-anchor=\"{anchor}\">{t.UtcDateTime:HH:mm:ss}</text>"));
        }

        var leftLabel = widget.LeftAxis?.Label ?? unit;
        svg.Append(Invariant($"<text x=\"{Left + (plotW / 2)}\" y=\"{ChartHeight - 3}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5f6b7a\">time (UTC)</text>"));
        if (leftLabel.Length > 0 || logScale)
        {
            svg.Append(Invariant($"<text class=\"axis-unit\" x=\"10\" y=\"{Top + (plotH / 2)}\" font-size=\"10\" fill=\"#5f6b7a\" transform=\"rotate(-90 10 {Top + (plotH / 2)})\" text-anchor=\"middle\">{Encode(leftLabel + (logScale ? " (log scale)" : string.Empty))}</text>"));
        }

        if (rightSeries.Count > 0)
        {
            var rightLabel = AxisUnit(widget, rightSeries.Select(s => s.Line), records);
            rightLabel = rightLabel.Length > 0 ? rightLabel : string.Join(" / ", rightSeries.Select(s => Label(s.Line)));
            svg.Append(Invariant($"<text class=\"axis-unit right-unit\" x=\"{width - 8}\" y=\"{Top + (plotH / 2)}\" font-size=\"10\" fill=\"#5f6b7a\" transform=\"rotate(90 {width - 8} {Top + (plotH / 2)})\" text-anchor=\"middle\">{Encode(rightLabel)}</text>"));
            svg.Append(Invariant($"<line x1=\"{width - right}\" x2=\"{width - right}\" y1=\"{Top}\" y2=\"{Top + plotH}\" stroke=\"#879596\"/>"));
        }

        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + plotH}\" stroke=\"#879596\"/><line x1=\"{Left}\" x2=\"{width - right}\" y1=\"{Top + plotH}\" y2=\"{Top + plotH}\" stroke=\"#879596\"/>"));

        foreach (var a in widget.Annotations)
        {
            var y = YLeft(a.Value);
            svg.Append(Invariant($"<g class=\"annotation\"><line x1=\"{Left}\" x2=\"{width - right}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"{a.Color ?? "#d62728"}\" stroke-dasharray=\"6 4\"/><text x=\"{width - right - 4}\" y=\"{y - 4:F1}\" font-size=\"10\" text-anchor=\"end\" fill=\"{a.Color ?? "#d62728"}\">{Encode(a.Label)}</text></g>"));
        }

        foreach (var (line, color, data) in series)
        {
            double Y(double v) => line.RightAxis ? Linear(v, rightMin, rightMax) : YLeft(v);
            svg.Append("<g class=\"series\" stroke=\"").Append(color).Append("\" fill=\"").Append(color).Append("\">");
            if (data.Count > 1)
            {
                svg.Append("<polyline fill=\"none\" stroke-width=\"2\"").Append(line.RightAxis ? " stroke-dasharray=\"4 2\"" : string.Empty).Append(" points=\"")
                    .AppendJoin(' ', data.Select(p => Invariant($"{X(p.Time):F1},{Y(p.Value):F1}"))).Append("\"/>");
            }

            foreach (var p in data)
            {
                svg.Append(Invariant($"<circle r=\"2.5\" cx=\"{X(p.Time):F1}\" cy=\"{Y(p.Value):F1}\"><title>{Encode(Label(line))}: {Format(p.Value)} at {p.Time.UtcDateTime:HH:mm:ss}</title></circle>"));
            }

            svg.Append("</g>");
        }

        svg.Append("</svg>");
        html.Append(svg).Append("<div class=\"legend\">");
        foreach (var (line, color, data) in series)
        {
            html.Append("<span style=\"--c:").Append(color).Append("\">").Append(Encode(Label(line))).Append(data.Count == 0 ? " (no data)" : string.Empty).Append(line.RightAxis ? " (right axis)" : string.Empty).Append("</span>");
        }

        html.Append("</div></section>");
    }

    /// <summary>The statistic of a line at each recorded timestamp.</summary>
    internal static List<(DateTimeOffset Time, double Value)> Points(MetricLine line, string stat, IReadOnlyList<EmfRecord> records)
    {
        // A PromQL line adds up every series that has its dimensions; an EMF document's rollup dimension sets are the same
        // values again (one Values array per document), so each document counts once.
        var matching = line.MatchesMoreDimensions
            ? records.Where(r => r.Namespace == line.Namespace && r.MetricName == line.MetricName && line.Dimensions.All(r.Dimensions.Contains))
                .DistinctBy(r => (object)r.Values, ReferenceEqualityComparer.Instance)
            : records.Where(r => r.Namespace == line.Namespace && r.MetricName == line.MetricName && SameDimensions(r.Dimensions, line.Dimensions));
        return matching
            .GroupBy(r => r.Timestamp)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, Statistic(g.ToList(), stat)))
            .Where(p => p.Item2 is not null)
            .Select(p => (p.Key, p.Item2!.Value))
            .ToList();
    }

    /// <summary>A sum that stays finite: beyond ±double.MaxValue it is shown as that bound (a preview, not an account).</summary>
    private static double FiniteSum(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var mean = values.Sum(v => v / values.Count);
        return Math.Clamp(mean * values.Count, -double.MaxValue, double.MaxValue);
    }

    private static double? Statistic(List<EmfRecord> group, string stat)
    {
        var buckets = group.SelectMany(r => r.Values.Zip(r.Counts)).OrderBy(b => b.First).ToList();
        var count = group.Sum(r => r.Statistics?.SampleCount ?? r.Counts.Sum());
        var sums = group.Select(r => r.Statistics?.Sum ?? r.Values.Zip(r.Counts).Sum(p => p.First * p.Second)).ToList();
        var sum = FiniteSum(sums);
        switch (stat)
        {
            case "Sum":
                return sum;
            case "SampleCount":
                return count;
            case "Average":
                // Each part divided first: the average of finite values is finite even when their sum is not.
                return count == 0 ? null : Math.Clamp(sums.Sum(s => s / count), -double.MaxValue, double.MaxValue);
            case "Minimum":
                return group.Min(r => r.Statistics?.Minimum ?? r.Values.Min());
            case "Maximum":
                return group.Max(r => r.Statistics?.Maximum ?? r.Values.Max());
        }

        if (stat.StartsWith('p') && double.TryParse(stat.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out var percentile))
        {
            var total = buckets.Sum(b => b.Second);
            var rank = Math.Ceiling(percentile / 100 * total);
            double cumulative = 0;
            foreach (var (value, c) in buckets)
            {
                cumulative += c;
                if (cumulative >= rank)
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static bool SameDimensions(IReadOnlyList<MetricDimension> a, IReadOnlyList<MetricDimension> b)
        => a.Count == b.Count && a.All(b.Contains);

    private static string Label(MetricLine line) => line.Label ?? $"{line.MetricName}{(line.Stat is null ? string.Empty : " " + line.Stat)}";

    /// <summary>
    /// The unit of what the left axis plots: a SampleCount is a count whatever the metric's unit (the "Operation
    /// Failures" widget counts failed calls of a Seconds metric); otherwise the metric's own unit.
    /// </summary>
    internal static string AxisUnit(MetricWidget widget, IEnumerable<MetricLine> lines, IReadOnlyList<EmfRecord> records)
    {
        var units = lines
            .Select(line => (line.Stat ?? widget.Stat) == "SampleCount"
                ? MetricUnit.Count
                : records.FirstOrDefault(r => r.Namespace == line.Namespace && r.MetricName == line.MetricName)?.Unit)
            .Where(u => u is not null && u != MetricUnit.None)
            .Select(u => u!.Value.ToWireName())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return string.Join(" / ", units);
    }

    /// <summary>Most ticks an axis gets: the loop ends whatever the values.</summary>
    private const int MaxTicks = 50;

    /// <summary>
    /// Round tick values (1, 2 or 5 × 10ⁿ) and an axis that starts and ends on one of them, for any finite values:
    /// beyond ±2^53 one unit is below a double's resolution, and ±1.7e308 overflows a span, so both are handled
    /// explicitly and the number of ticks is bounded.
    /// </summary>
    internal static List<double> Ticks(ref double min, ref double max, bool fixedMin, bool fixedMax)
    {
        min = double.IsFinite(min) ? min : min > 0 ? double.MaxValue : -double.MaxValue;
        max = double.IsFinite(max) ? max : max > 0 ? double.MaxValue : -double.MaxValue;
        if (!(max > min))
        {
            // A flat series: an axis a little wider than it, at any magnitude (min + 1 == min beyond 2^53).
            var pad = Math.Max(1, Math.Abs(min) * 0.1);
            max = min + pad <= double.MaxValue ? min + pad : double.MaxValue;
            if (!(max > min))
            {
                min -= pad;
            }
        }

        var step = NiceStep(((max / 2) - (min / 2)) / 2); // a quarter of the span, computed without overflow
        if (!fixedMin && double.IsFinite(Math.Floor(min / step) * step))
        {
            min = Math.Floor(min / step) * step;
        }

        if (!fixedMax && double.IsFinite(Math.Ceiling(max / step) * step))
        {
            max = Math.Ceiling(max / step) * step;
        }

        var ticks = new List<double>();
        var first = Math.Ceiling(min / step);
        for (var i = 0; i < MaxTicks; i++)
        {
            var v = (first + i) * step;
            if (!double.IsFinite(v) || v > max + (step * 1e-9))
            {
                break;
            }

            ticks.Add(v);
        }

        return ticks.Count > 0 ? ticks : [min, max];
    }

    /// <summary>The smallest of 1, 2, 5 × 10ⁿ at least <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        if (!(rough > 0) || double.IsInfinity(rough))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }

    /// <summary>At most about six characters, so a tick label never runs into the axis title beside it (100,000 → 100k).</summary>
    internal static string Format(double v)
    {
        var a = Math.Abs(v);
        return a >= 1e15 ? v.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : a >= 1e12 ? (v / 1e12).ToString("0.##", CultureInfo.InvariantCulture) + "T"
            : a >= 1e9 ? (v / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "G"
            : a >= 1e6 ? (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M"
            : a >= 1e4 ? (v / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k"
            : a >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture)
            : a >= 1 || a == 0 ? v.ToString("0.##", CultureInfo.InvariantCulture)
            : a >= 1e-4 ? v.ToString("0.####", CultureInfo.InvariantCulture)
            : v.ToString("0.##E+0", CultureInfo.InvariantCulture);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
