namespace NbaSim.Observability.Cli.Doctor;

/// <content>Alarms: deployed, their topic confirmed, their metric's data, a replay, never-fire and stuck states.</content>
internal sealed partial class AccountDoctor
{
    /// <summary>Names per DescribeAlarms call (CloudWatch's limit).</summary>
    private const int MaxAlarmNamesPerCall = 100;

    /// <summary>Metrics whose values are percentages (0–100) by construction.</summary>
    private static readonly HashSet<string> PercentMetrics = new(StringComparer.Ordinal)
    {
        NbaMetricNames.AdceSuccessRate, NbaMetricNames.ValidationPassRate, NbaMetricNames.TestPassRate,
    };

    private async Task CheckAlarmsAsync(MonitoringDefinitions definitions, CancellationToken cancellationToken)
    {
        var deployed = new Dictionary<string, MetricAlarm>(StringComparer.Ordinal);
        foreach (var chunk in definitions.Alarms.Select(a => a.AlarmName).Chunk(MaxAlarmNamesPerCall))
        {
            string? token = null;
            var tokens = new HashSet<string>(StringComparer.Ordinal);
            for (var pages = 0; pages < MaxOtherPages; pages++)
            {
                var page = await inputs.CloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = chunk, NextToken = token }, cancellationToken).ConfigureAwait(false);
                foreach (var alarm in page.MetricAlarms)
                {
                    deployed[alarm.Definition.AlarmName] = alarm;
                }

                token = page.NextToken;
                if (string.IsNullOrEmpty(token) || !tokens.Add(token))
                {
                    break;
                }
            }
        }

        var topics = definitions.Alarms.Concat(deployed.Values.Select(d => d.Definition))
            .SelectMany(a => a.AlarmActions.Concat(a.OKActions).Concat(a.InsufficientDataActions))
            .Where(a => a.StartsWith("arn:aws:sns:", StringComparison.Ordinal) || a.StartsWith("arn:aws-", StringComparison.Ordinal) && a.Contains(":sns:", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var topic in topics)
        {
            await Guard("alert-topic", topic, "sns:GetTopicAttributes, sns:ListSubscriptionsByTopic", ct => CheckTopicAsync(topic, ct), cancellationToken).ConfigureAwait(false);
        }

        var undeployed = definitions.Alarms.Where(a => !deployed.ContainsKey(a.AlarmName)).Select(a => a.AlarmName).ToList();
        if (undeployed.Count > 0)
        {
            Add(DoctorFinding.Warn("alarm", $"{undeployed.Count} of {definitions.Alarms.Count} alarms", $"not deployed: {Names(undeployed)}", "run 'nbaobs plan' then 'nbaobs apply'"));
        }

        foreach (var definition in definitions.Alarms)
        {
            if (!deployed.TryGetValue(definition.AlarmName, out var alarm))
            {
                continue;
            }

            if (Silent(alarm.Definition, definition) is { } silent)
            {
                Add(DoctorFinding.Warn("alarm", definition.AlarmName, $"{alarm.StateValue}; {silent}: when it fires, no one is told", "run 'nbaobs apply' (it restores the actions), or 'aws cloudwatch enable-alarm-actions --alarm-names " + definition.AlarmName + "'"));
                continue;
            }

            await Guard("alarm", definition.AlarmName, "cloudwatch:GetMetricData", ct => CheckAlarmAsync(alarm, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckTopicAsync(string topic, CancellationToken cancellationToken)
    {
        try
        {
            await inputs.Sns.GetTopicAttributesAsync(new GetTopicAttributesRequest { TopicArn = topic }, cancellationToken).ConfigureAwait(false);
        }
        catch (NbaSim.Observability.Aws.AwsApiException ex) when (ex.ErrorCode is "NotFound" or "NotFoundException")
        {
            Add(DoctorFinding.Fail("alert-topic", topic, "the alarms' actions point to a topic that does not exist: notifications go nowhere", "run 'nbaobs apply' (it creates the topic), or fix Monitoring:AlertTopicName"));
            return;
        }

        var subscriptions = new List<Subscription>();
        string? token = null;
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (var pages = 0; pages < MaxOtherPages; pages++)
        {
            var page = await inputs.Sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topic, NextToken = token }, cancellationToken).ConfigureAwait(false);
            subscriptions.AddRange(page.Subscriptions);
            token = page.NextToken;
            if (string.IsNullOrEmpty(token) || !tokens.Add(token))
            {
                break;
            }
        }

        // SNS shows an unconfirmed subscription's ARN as "PendingConfirmation" (and a just-deleted one as "Deleted").
        var pending = subscriptions.Where(s => s.SubscriptionArn is "PendingConfirmation" or null or "").Select(s => $"{s.Protocol}:{s.Endpoint}").ToList();
        var confirmed = subscriptions.Where(s => s.SubscriptionArn is { Length: > 0 } arn && arn.StartsWith("arn:", StringComparison.Ordinal)).Select(s => $"{s.Protocol}:{s.Endpoint}").ToList();
        if (confirmed.Count == 0)
        {
            var waiting = pending.Count > 0 ? $"; pending confirmation: {Names(pending)}" : string.Empty;
            Add(DoctorFinding.Fail("alert-topic", topic, $"no confirmed subscription: an alarm notifies no one{waiting}", pending.Count > 0 ? "open the confirmation e-mail SNS sent to each address and click the link" : "add Monitoring:AlertEmails and run 'nbaobs apply', then confirm the e-mail"));
        }
        else if (pending.Count > 0)
        {
            Add(DoctorFinding.Warn("alert-topic", topic, $"{confirmed.Count} confirmed ({Names(confirmed)}); still pending: {Names(pending)}", "open the confirmation e-mail SNS sent to each pending address and click the link"));
        }
        else
        {
            Add(DoctorFinding.Ok("alert-topic", topic, $"{confirmed.Count} confirmed subscription(s): {Names(confirmed)}"));
        }
    }

    private async Task CheckAlarmAsync(MetricAlarm alarm, CancellationToken cancellationToken)
    {
        var a = alarm.Definition;
        var name = a.AlarmName;
        if (NeverFires(a) is { } reason)
        {
            Add(DoctorFinding.Warn("alarm", name, $"can never fire: {reason}", "fix the threshold or comparison in the alarm definition and run 'nbaobs apply'"));
            return;
        }

        if (a.Metrics.Count == 0 && !AlarmReplay.CanReplay(a))
        {
            var seconds = (long)a.EvaluationPeriods * (a.Period ?? 0);
            Add(DoctorFinding.Warn("alarm", name, $"{alarm.StateValue}; not replayed: Period {a.Period} s × EvaluationPeriods {a.EvaluationPeriods} = {seconds} s is outside CloudWatch's limits (periods of 10 s or more, at most {AlarmReplay.MaxEvaluationSeconds} s in all)", "fix the alarm definition and run 'nbaobs apply'"));
            return;
        }

        if (!AlarmReplay.CanReplay(a))
        {
            // Anomaly bands and metric math: CloudWatch computes the threshold; check that the metric has data and the state.
            var stat = a.Metrics.Select(q => q.MetricStat).OfType<MetricStat>().FirstOrDefault();
            if (stat is null)
            {
                Add(DoctorFinding.Ok("alarm", name, $"{alarm.StateValue}; a metric-math alarm, not replayed"));
                return;
            }

            var points = await QueryAsync([Query("a0", stat.Metric, stat.Period, stat.Stat)], _now - inputs.Since, _now, cancellationToken).ConfigureAwait(false);
            var has = points.TryGetValue("a0", out var p) && p.Count > 0;
            var fix = "see the metrics and freshness checks; the band needs two weeks of data to be learned";
            Add(has
                ? DoctorFinding.Ok("alarm", name, $"{alarm.StateValue}; anomaly band computed by CloudWatch, its metric has data ({p!.Count} periods in the last {Since(inputs.Since)})")
                : DoctorFinding.Warn("alarm", name, $"{alarm.StateValue}; its metric {Name(stat.Metric)} has no data in the last {Since(inputs.Since)}", fix));
            return;
        }

        var period = a.Period!.Value;
        var n = a.EvaluationPeriods;
        var range = n + AlarmReplay.ExtraRangePeriods;

        // At least N evaluations even when --since is shorter than the alarm's periods (a daily budget alarm).
        var from = _now - TimeSpan.FromSeconds(Math.Max(inputs.Since.TotalSeconds, (n + 1) * (double)period));
        var metric = new MetricIdentity { Namespace = a.Namespace!, MetricName = a.MetricName!, Dimensions = a.Dimensions };
        var query = new MetricDataQuery { Id = "r0", ReturnData = true, MetricStat = new MetricStat { Metric = metric, Period = period, Stat = a.Statistic ?? a.ExtendedStatistic ?? "Average", Unit = a.Unit } };
        var fetchStart = (from - TimeSpan.FromSeconds(range * (double)period)).ToUnixTimeSeconds();
        fetchStart -= ((fetchStart % period) + period) % period; // on a period boundary, so the returned periods are CloudWatch's
        var fetched = await QueryAsync([query], DateTimeOffset.FromUnixTimeSeconds(fetchStart), _now, cancellationToken).ConfigureAwait(false);
        var data = fetched.TryGetValue("r0", out var values) ? values : [];
        var replay = AlarmReplay.Replay(a, data, from, _now);
        var rule = Rule(a);
        var state = alarm.StateValue ?? "?";
        if (replay.DataPoints == 0)
        {
            var missing = a.TreatMissingData ?? "missing";
            Add(state == "INSUFFICIENT_DATA" && StuckSince(alarm) is { } since
                ? DoctorFinding.Warn("alarm", name, $"stuck in INSUFFICIENT_DATA since {Time(since)}, and {Name(metric)} has no data in the replayed window", "see the metrics and freshness checks: the alarm cannot evaluate a metric that is not published")
                : DoctorFinding.Warn("alarm", name, $"{state}; {Name(metric)} has no {query.MetricStat.Stat} data in the last {Since(from == _now - inputs.Since ? inputs.Since : _now - from)}, so it cannot fire on data (missing data: {missing})", "see the metrics and freshness checks"));
            return;
        }

        if (state == "INSUFFICIENT_DATA" && (replay.Final != AlarmState.InsufficientData || StuckSince(alarm) is not null))
        {
            Add(DoctorFinding.Warn("alarm", name, $"stuck in INSUFFICIENT_DATA{(alarm.StateUpdatedTimestamp is { } t ? $" since {Time(t)}" : string.Empty)} although its metric has {replay.DataPoints} datapoint(s) the replay evaluates to {Text(replay.Final)}", "compare the alarm's Unit and dimensions with what is published ('nbaobs plan' shows a drifted alarm); data too sparse for its periods keeps it there too"));
            return;
        }

        var closest = replay.Closest is { } c ? $"; closest value {c.ToString("G6", CultureInfo.InvariantCulture)}" : string.Empty;
        var detail = replay.FiredAt.Count == 0
            ? $"{state}; replayed on {replay.DataPoints} datapoint(s) of the last {Since(_now - from)}: would not have fired ({rule}){closest}"
            : $"{state}; replayed on {replay.DataPoints} datapoint(s) of the last {Since(_now - from)}: would have fired {replay.FiredAt.Count} time(s), first at {Time(replay.FiredAt[0])} ({rule})";
        Add(DoctorFinding.Ok("alarm", name, detail));
    }

    /// <summary>Why a deployed alarm notifies no one when it fires, or null: actions disabled, or the shipped topic missing from its actions.</summary>
    internal static string? Silent(MetricAlarmDefinition deployed, MetricAlarmDefinition shipped)
    {
        ArgumentNullException.ThrowIfNull(deployed);
        ArgumentNullException.ThrowIfNull(shipped);
        if (deployed.ActionsEnabled == false)
        {
            return "its actions are disabled (ActionsEnabled false)";
        }

        var missing = shipped.AlarmActions.Except(deployed.AlarmActions, StringComparer.Ordinal).ToList();
        return missing.Count == 0 ? null : $"its AlarmActions lack {string.Join(", ", missing)} (deployed: {(deployed.AlarmActions.Count == 0 ? "none" : string.Join(", ", deployed.AlarmActions))})";
    }

    /// <summary>Why an alarm cannot fire whatever its metric does, or null: a threshold outside the values the metric can take.</summary>
    internal static string? NeverFires(MetricAlarmDefinition alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        if (alarm.DatapointsToAlarm is { } m && m > alarm.EvaluationPeriods)
        {
            return $"DatapointsToAlarm {m} exceeds EvaluationPeriods {alarm.EvaluationPeriods}";
        }

        if (alarm.Threshold is not { } threshold || alarm.MetricName is null || AlarmReplay.Breaches(alarm.ComparisonOperator, 0, 0) is null)
        {
            return null;
        }

        var statistic = alarm.Statistic ?? alarm.ExtendedStatistic ?? string.Empty;
        var percent = PercentMetrics.Contains(alarm.MetricName) && statistic != "Sum" && statistic != "SampleCount";
        var max = percent ? 100d : double.PositiveInfinity;
        const double min = 0; // every metric this product publishes is a count, a duration, a size, a cost or a percentage
        var greater = alarm.ComparisonOperator.StartsWith("Greater", StringComparison.Ordinal);
        var inclusive = alarm.ComparisonOperator.Contains("OrEqual", StringComparison.Ordinal);
        if (greater && (inclusive ? threshold > max : threshold >= max))
        {
            return $"{alarm.MetricName} {statistic} is at most {max}, and the alarm needs {Rule(alarm)}";
        }

        if (!greater && (inclusive ? threshold < min : threshold <= min))
        {
            return $"{alarm.MetricName} {statistic} is never below {min}, and the alarm needs {Rule(alarm)}";
        }

        return null;
    }

    /// <summary>When an INSUFFICIENT_DATA state began, if before the window started.</summary>
    private DateTimeOffset? StuckSince(MetricAlarm alarm)
        => alarm.StateUpdatedTimestamp is { } t && t < _now - inputs.Since ? t : null;

    private static string Rule(MetricAlarmDefinition a)
    {
        var op = a.ComparisonOperator switch
        {
            "GreaterThanThreshold" => ">",
            "GreaterThanOrEqualToThreshold" => "≥",
            "LessThanThreshold" => "<",
            "LessThanOrEqualToThreshold" => "≤",
            _ => a.ComparisonOperator,
        };
        var m = a.DatapointsToAlarm ?? a.EvaluationPeriods;
        return string.Create(CultureInfo.InvariantCulture, $"{a.Statistic ?? a.ExtendedStatistic} {op} {a.Threshold} in {m} of {a.EvaluationPeriods} {a.Period} s periods, missing data {a.TreatMissingData ?? "missing"}");
    }

    private static string Text(AlarmState state) => state switch
    {
        AlarmState.Alarm => "ALARM",
        AlarmState.Ok => "OK",
        _ => "INSUFFICIENT_DATA",
    };
}
