namespace BeidouHub.Receiver.Nmea;

/// <summary>A calendar date as a receiver reports it (RMC <c>ddmmyy</c>, ZDA day/month/year), UTC.</summary>
public readonly record struct NmeaDate(int Year, int Month, int Day)
{
    /// <summary>True when the three numbers form a real Gregorian date in 1980–2099.</summary>
    public static bool IsValid(int year, int month, int day) =>
        year is >= 1980 and <= 2099 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    /// <summary>Midnight UTC of this date.</summary>
    public DateTime ToDateTime() => new(Year, Month, Day, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The date <paramref name="days"/> later (or earlier).</summary>
    public NmeaDate AddDays(int days)
    {
        DateTime d = ToDateTime().AddDays(days);
        return new NmeaDate(d.Year, d.Month, d.Day);
    }
}
