namespace NbaSim.Observability.Cli.Doctor;

/// <summary>A CloudWatch alarm state, as the replay computes it.</summary>
internal enum AlarmState
{
    /// <summary>INSUFFICIENT_DATA.</summary>
    InsufficientData,

    /// <summary>OK.</summary>
    Ok,

    /// <summary>ALARM.</summary>
    Alarm,
}
