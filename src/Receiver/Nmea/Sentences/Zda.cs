namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// ZDA, time and date: <c>$--ZDA,hhmmss.ss,dd,mm,yyyy,zh,zm*hh</c>, UTC with a four-digit year;
/// the local zone fields are commonly <c>00,00</c> and are kept only as sent.
/// </summary>
public readonly record struct Zda(int? TimeOfDayMs, NmeaDate? Date, int? ZoneHours, int? ZoneMinutes)
{
    /// <summary>Reads a ZDA sentence; false when it is another type or a field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Zda zda)
    {
        zda = default;
        if (s.Type != SentenceType.Zda)
        {
            return false;
        }

        bool ok = NmeaField.TryGetTime(s.Field(1), out int? time);
        ok &= NmeaField.TryGetInt(s.Field(2), out int? day);
        ok &= NmeaField.TryGetInt(s.Field(3), out int? month);
        ok &= NmeaField.TryGetInt(s.Field(4), out int? year);
        ok &= NmeaField.TryGetInt(s.Field(5), out int? zh);
        ok &= NmeaField.TryGetInt(s.Field(6), out int? zm);
        if (!ok || zh is < -13 or > 13 || zm is < -59 or > 59)
        {
            return false;
        }

        NmeaDate? date = null;
        if (day.HasValue || month.HasValue || year.HasValue)
        {
            if (day is null || month is null || year is null || !NmeaDate.IsValid(year.Value, month.Value, day.Value))
            {
                return false;
            }

            date = new NmeaDate(year.Value, month.Value, day.Value);
        }

        zda = new Zda(time, date, zh, zm);
        return true;
    }
}
