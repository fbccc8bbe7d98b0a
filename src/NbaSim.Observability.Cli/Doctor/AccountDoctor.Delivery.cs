namespace NbaSim.Observability.Cli.Doctor;

/// <content>Delivery health: the pipeline's self-telemetry when published, and the spool's backlog.</content>
internal sealed partial class AccountDoctor
{
    /// <summary>Spool files looked at (the spool holds at most Spool:MaxBytes; files are about a batch each).</summary>
    public const int MaxSpoolFiles = 100_000;

    /// <summary>Digits of the datum count in a spool file's name (the writer's format is <c>D6</c>); longer is not ours.</summary>
    private const int MaxDatumDigits = 6;

    private const string DroppedMetric = "nbasim.observability.datums.dropped";
    private const string FailuresMetric = "nbasim.observability.export.failures";

    private async Task CheckDeliveryAsync(CancellationToken cancellationToken)
    {
        await Guard("delivery", "self-telemetry", "cloudwatch:GetMetricData", CheckSelfTelemetryAsync, cancellationToken).ConfigureAwait(false);
        if (inputs.Options.Spool.Directory is not { Length: > 0 } spool)
        {
            Add(DoctorFinding.Ok("delivery", "spool", "no spool directory configured (Spool:Directory): an outage longer than the retries loses data at shutdown"));
            return;
        }

        try
        {
            CheckSpool(spool);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            Add(DoctorFinding.Fail("delivery", spool, $"the spool directory cannot be read: {ex.Message}", "give the application's user read and write access to NbaObservability:Spool:Directory"));
        }
    }

    private async Task CheckSelfTelemetryAsync(CancellationToken cancellationToken)
    {
        var telemetry = SelfTelemetryNamespace(inputs.Options.Meters);
        if (telemetry is null)
        {
            Add(DoctorFinding.Ok("delivery", "self-telemetry", $"not published, so not checked (a Meters entry named {Diagnostics.SelfTelemetry.MeterName} publishes drops and failed exports)"));
        }
        else
        {
            var period = (int)Math.Ceiling(inputs.Since.TotalSeconds / 60) * 60;
            var queries = new[] { DroppedMetric, FailuresMetric }
                .Select((m, i) => new MetricDataQuery { Id = $"s{i}", ReturnData = true, MetricStat = new MetricStat { Metric = new MetricIdentity { Namespace = telemetry, MetricName = m }, Period = period, Stat = "Sum" } })
                .ToList();
            var data = await QueryAsync(queries, _now - inputs.Since, _now, cancellationToken).ConfigureAwait(false);
            double? Total(string id) => data.TryGetValue(id, out var points) && points.Count > 0 ? points.Sum(p => p.Value) : null;
            var dropped = Total("s0");
            var failures = Total("s1");
            if (dropped is null && failures is null)
            {
                Add(DoctorFinding.Warn("delivery", telemetry, $"self-telemetry is configured but {DroppedMetric} has no data in the last {Since(inputs.Since)}", "check that the application runs with this configuration and that its Meters entry lists these instruments"));
            }
            else if (dropped > 0)
            {
                Add(DoctorFinding.Fail("delivery", telemetry, $"{dropped:0} datum(s) dropped in the last {Since(inputs.Since)} ({failures ?? 0:0} failed exports)", "the application logs each drop with its reason (NbaSim.Observability category); fix that cause"));
            }
            else if (failures > 0)
            {
                Add(DoctorFinding.Warn("delivery", telemetry, $"{failures:0} failed export(s) in the last {Since(inputs.Since)}, nothing dropped: they were retried or spooled", "look for throttling or network errors in the application's log"));
            }
            else
            {
                Add(DoctorFinding.Ok("delivery", telemetry, $"no datum dropped and no export failed in the last {Since(inputs.Since)}"));
            }
        }
    }

    private void CheckSpool(string spool)
    {
        var directory = new DirectoryInfo(spool);
        if (File.Exists(spool))
        {
            Add(DoctorFinding.Fail("delivery", spool, "Spool:Directory names a file, not a directory: the application refuses to start its pipeline", "point NbaObservability:Spool:Directory at a directory (it is created when missing)"));
            return;
        }

        if (directory.LinkTarget is not null)
        {
            Add(DoctorFinding.Fail("delivery", spool, "Spool:Directory is a symbolic link; the spool never follows links", "point NbaObservability:Spool:Directory at the real directory"));
            return;
        }

        if (!directory.Exists)
        {
            Add(DoctorFinding.Ok("delivery", spool, "spool empty (the directory does not exist yet)"));
            return;
        }

        long files = 0, datums = 0, bytes = 0;
        DateTimeOffset? oldest = null;
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in directory.EnumerateFiles("*.spool", options).Take(MaxSpoolFiles))
        {
            files++;
            bytes += file.Length;

            // <ticks>-<pid>-<sequence>-<datums>.spool: the name says when and how much, without opening the file.
            var parts = Path.GetFileNameWithoutExtension(file.Name).Split('-');
            if (parts.Length >= 4 && parts[^1].Length <= MaxDatumDigits && long.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                datums += count;
            }

            var written = parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 && ticks < DateTime.MaxValue.Ticks
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
            oldest = oldest is null || written < oldest ? written : oldest;
        }

        var quarantine = new DirectoryInfo(Path.Combine(spool, "quarantine"));
        var quarantined = quarantine.Exists && quarantine.LinkTarget is null ? quarantine.EnumerateFiles("*", options).Take(MaxSpoolFiles).Count() : 0;
        if (quarantined > 0)
        {
            Add(DoctorFinding.Warn("delivery", spool, $"{quarantined} file(s) in quarantine: datums CloudWatch refused or files that could not be read", $"inspect {quarantine.FullName}; the application logged why each was set aside"));
        }

        if (files == 0)
        {
            Add(DoctorFinding.Ok("delivery", spool, "spool empty: nothing waits for delivery"));
            return;
        }

        var age = _now - oldest!.Value;
        var more = files == MaxSpoolFiles ? "at least " : string.Empty;
        var backlog = $"{more}{files} file(s), {more}{datums} datum(s), {bytes / 1024.0:0.#} KiB waiting; oldest written {Ago(age)}";
        Add(age > TimeSpan.FromDays(14)
            ? DoctorFinding.Fail("delivery", spool, backlog + ": CloudWatch refuses datapoints older than two weeks", "those datums will be counted as dropped; find why delivery stopped (the application's log, the identity and clock checks)")
            : DoctorFinding.Warn("delivery", spool, backlog, "the application sends them when CloudWatch answers; if none runs, any nbaobs publish command with this configuration delivers them"));
    }

    /// <summary>The namespace the Meter bridge publishes the library's own meter to, or null when no entry covers it.</summary>
    internal static string? SelfTelemetryNamespace(IEnumerable<MeterBridgeOptions>? meters)
        => meters?.FirstOrDefault(m => m.Name is { Length: > 0 } && Meters.MeterBridge.MeterMatches(m, Diagnostics.SelfTelemetry.MeterName))?.Namespace;
}
