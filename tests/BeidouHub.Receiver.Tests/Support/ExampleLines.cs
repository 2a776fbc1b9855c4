namespace BeidouHub.Receiver.Tests.Support;

/// <summary>
/// Real sentences copied verbatim from /work/shared/corpus/examples.nmea (each with the source
/// that file names), so the suite stands without the corpus checkout.
/// </summary>
internal static class ExampleLines
{
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (RMC 4.11: posMode A, navStatus V)
    public const string Um621Rmc = "$GNRMC,000653.00,A,4404.12994,N,12118.84613,W,0.052,,090624,,,A,V*08";
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (GGA quality 1, 29 sats)
    public const string Um621Gga = "$GNGGA,000653.00,4404.12994,N,12118.84613,W,1,29,0.69,1109.2,M,,M,,*71";
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (GSA system ID 4 = BeiDou)
    public const string Um621Gsa = "$GNGSA,A,3,21,34,19,12,44,11,35,36,22,,,,1.05,0.69,0.79,4*0D";
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (GBGSV signal ID 1 = B1I)
    public const string Um621GsvB1I = "$GBGSV,4,2,14,21,51,245,45,22,70,042,31,34,44,300,40,35,20,161,30,1*72";
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (GBGSV signal ID 5 = B2a, same satellites)
    public const string Um621GsvB2a = "$GBGSV,4,2,14,21,51,245,30,22,70,042,,34,44,300,44,35,20,161,,5*71";
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (Unicore TXT with vendor payload)
    public const string Um621Txt = "$GNTXT,01,01,01,0,500482,0000,80A0,80A0,-37.847,0*67";
    // src: github ntpsec/gpsd test/daemon/unicore-um621.log (Unicore proprietary-ish sentence)
    public const string Um621DtInfo = "$PDTINFO,UM621-02,G1B1L1E1,V1.2,R6.0.0.0Build2810,2310414000033,PC12B4231700429*73";

    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (RMC posMode F = RTK float)
    public const string F9rRmc = "$GNRMC,231408.00,A,4503.94632,N,00739.54368,E,0.013,,110425,,,F,V*17";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (GGA quality 5 = RTK float, diff age 0.0, station 0041)
    public const string F9rGga = "$GNGGA,231408.00,4503.94632,N,00739.54368,E,5,12,0.82,257.4,M,47.2,M,0.0,0041*64";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (GSA system ID 4 = BeiDou)
    public const string F9rGsa = "$GNGSA,A,3,25,41,20,09,32,,,,,,,,1.42,0.82,1.17,4*06";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (GBGSV signal ID B = B2I, NMEA 4.11)
    public const string F9rGsvB2I = "$GBGSV,1,1,04,09,22,048,13,20,15,298,09,25,43,063,08,32,69,319,11,B*02";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (GST error ellipse)
    public const string F9rGst = "$GNGST,231408.00,32,0.19,0.12,97,0.049,0.078,0.088*43";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (ZDA)
    public const string F9rZda = "$GNZDA,231408.00,11,04,2025,00,00*75";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9r.log (GBS, RAIM, no failed SV)
    public const string F9rGbs = "$GNGBS,231408.00,0.0,0.1,0.1,,,,,,*53";

    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9p-nmea.log (GBGSV with EMPTY signal-ID field)
    public const string F9pGsvEmptySignal = "$GBGSV,3,1,10,01,29,321,,03,12,292,,04,37,345,,08,49,229,,*49";
    // src: github ntpsec/gpsd test/daemon/ublox-zed-f9t-ubx_nmea_l5.log (GBGSV signal ID 3)
    public const string F9tGsvSignal3 = "$GBGSV,2,1,08,21,74,040,35,22,21,054,27,34,63,203,45,42,50,242,45,3*7E";

    // src: github ntpsec/gpsd test/daemon/nmea-rtk.log (GGA quality 4 = RTK fixed, age 5.8 s, station 0002)
    public const string RtkGga = "$GNGGA,133859.80,4134.50180205,N,09345.03586649,W,4,19,0.7,280.827,M,-31.442,M,5.8,0002*6D";
    // src: github ntpsec/gpsd test/daemon/nmea-rtk.log (the paired RMC still says mode D)
    public const string RtkRmc = "$GNRMC,133859.80,A,4134.50180205,N,09345.03586649,W,0.008,0.000,180320,11.5982,E,D*36";
    // src: github adrianmo/go-nmea gns_test.go (GNS mode "RR")
    public const string GoNmeaGnsRr = "$GNGNS,014035.00,4332.69262,S,17235.48549,E,RR,13,0.9,25.63,11.24,,*70";

    // src: github ntpsec/gpsd test/daemon/skytraq-PX1172RH_DS.log (GPGGA quality 5)
    public const string SkytraqGga = "$GPGGA,003832.000,4404.1271062,N,12118.8438377,W,5,14,0.8,1127.630,M,-20.300,M,1.000,0000*74";
    // src: github ntpsec/gpsd test/daemon/skytraq-PX1172RH_DS.log (SkyTraq proprietary PSTI,030)
    public const string SkytraqPsti = "$PSTI,030,003832.000,A,4404.1271062,N,12118.8438377,W,1127.630,-0.00,-0.01,0.02,290322,O,1.000,1.100*32";
    // src: github ntpsec/gpsd test/daemon/skytraq-dgps.log (BDGSA with BeiDou as 214 = 200+PRN)
    public const string SkytraqBdGsa = "$BDGSA,A,3,214,,,,,,,,,,,,2.5,1.2,2.2*10";
    // src: github ntpsec/gpsd test/daemon/skytraq-dgps.log (BDGSV, BeiDou numbered 2xx)
    public const string SkytraqBdGsv = "$BDGSV,1,1,03,214,34,246,25,206,08,330,,212,04,172,26*65";
    // src: github ntpsec/gpsd test/daemon/skytraq-dgps.log (GPGST)
    public const string SkytraqGst = "$GPGST,213121.000,16.1,22.2,10.2,2.0,0.4,0.6,1.4*57";

    // src: github ntpsec/gpsd test/daemon/beidou-bd.log (GNS mode "ANNA")
    public const string TrigGns = "$GNGNS,074155.799,3114.8770,N,12135.2463,E,ANNA,05,1.3,156.9,8.3,,0000*52";
    // src: github ntpsec/gpsd test/daemon/beidou-bd.log (BDGSA with non-standard float in field 18)
    public const string TrigBdGsa = "$BDGSA,A,3,02,03,04,,,,,,,,,,5.1,1.3,4.9,3.3*2F";
    // src: github ntpsec/gpsd test/daemon/beidou-bd.log (BDGSV, BeiDou PRNs 1-32 under BD talker)
    public const string TrigBdGsv = "$BDGSV,2,1,07,01,00,000,45,02,01,090,35,03,00,000,38,04,00,000,42*6A";
    // src: github ntpsec/gpsd test/daemon/beidou-gb.log (GBGSV with BeiDou numbered 201-213)
    public const string TrigGbGsv = "$GBGSV,3,1,11,201,49,147,44,202,23,250,35,204,35,123,42,213,83,243,*6D";

    // src: github ntpsec/gpsd test/daemon/quectel-l76k-nmea.log (BD talker, signal ID 0)
    public const string L76kBdGsv = "$BDGSV,1,1,03,13,19,043,17,27,38,127,33,37,36,091,24,0*49";
    // src: github ntpsec/gpsd test/daemon/quectel-l76k-nmea.log (GNGSA system ID 4)
    public const string L76kGsa = "$GNGSA,A,3,13,27,37,,,,,,,,,,1.5,0.9,1.2,4*39";
    // src: github ntpsec/gpsd test/daemon/quectel-l76k-nmea.log (antenna status in TXT)
    public const string L76kTxt = "$GPTXT,01,01,01,ANTENNA OK*35";
    // src: github ntpsec/gpsd test/daemon/quectel-l76k-nmea.log (ZDA)
    public const string L76kZda = "$GNZDA,055234.000,05,08,2026,00,00*46";

    // src: github openLuat/LuatOS bsp/pc/test/017.libgnss_hour0/main.lua (RMC nav status U)
    public const string LuatRmc = "$GNRMC,003657.000,A,2324.3944811,N,11313.8621125,E,0.430,43.152,020124,,,A,U*32";

    // src: github ntpsec/gpsd test/daemon/telit-pls83-w.log (GNS 5-char mode string, nav status)
    public const string TelitGns = "$GNGNS,043539.00,4333.190206,N,00127.618380,E,AAAAN,14,1.3,250.8,50.0,,,V*62";

    // src: github ntpsec/gpsd drivers/driver_nmea0183.c comment (Quectel EG25 $PQGSV: signal 0, system 4)
    public const string QuectelPqGsv = "$PQGSV,4,1,15,02,20,116,,03,,,,05,34,137,,07,05,046,,0,4*58";
    // src: github ntpsec/gpsd drivers/driver_nmea0183.c comment (Quectel firmware version)
    public const string QuectelPqtmVer = "$PQTMVER,MODULE_L89HANR01A06S,2022/07/28,18:27:04*7A";
    // src: github Knio/pynmea2 test/test_qtm.py @54ebf94f (Quectel EPE)
    public const string QuectelPqtmEpe = "$PQTMEPE,2,3.393,3.476,12.713,4.857,13.609*5D";
    // src: github Knio/pynmea2 test/test_qtm.py @54ebf94f (Quectel jamming status)
    public const string QuectelPqtmJamming = "$PQTMJAMMINGSTATUS,1,2*44";
    // src: github Knio/pynmea2 test/test_proprietary.py (u-blox PUBX,00 position)
    public const string UbloxPubx00 = "$PUBX,00,074440.00,4703.74203,N,00736.82976,E,576.991,D3,2.0,2.0,0.091,0.00,-0.032,,0.76,1.05,0.65,14,0,0*70";
    // src: github Knio/pynmea2 test/test_types.py (u-blox boot TXT)
    public const string UbloxTxt = "$GNTXT,01,01,02,ROM BASE 2.01 (75331) Oct 29 2013 13:28:17*44";

    // src: gpsd test/daemon/triton400.log line 19 (a GGA cut short by the next sentence)
    public const string Triton400Collision = "$GPGGA,030130$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41";
    // src: gpsd test/daemon/gp-320fw-2019-04-07-coldboot.log line 19 (a sentence inside a comment line)
    public const string Gp320fwCommentLine = "#        $GPGSV,3,3,12,2,40,16,00,090,*72";

    // src: gpsinformation.org NMEA reference (Dale DePriest), VTG and GLL examples.
    public const string ClassicVtg = "$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48";
    public const string ClassicGll = "$GPGLL,4916.45,N,12311.12,W,225444,A*31";
    // src: gpsd AIVDM/AIVDO protocol decoding document (first example sentence).
    public const string ClassicAivdm = "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C";

    /// <summary>Every valid NMEA line of examples.nmea, in file order.</summary>
    public static readonly string[] All =
    [
        Um621Rmc, Um621Gga, Um621Gsa, Um621GsvB1I, Um621GsvB2a, Um621Txt, Um621DtInfo,
        F9rRmc, F9rGga, F9rGsa, F9rGsvB2I, F9rGst, F9rZda, F9rGbs,
        F9pGsvEmptySignal, F9tGsvSignal3,
        RtkGga, RtkRmc, GoNmeaGnsRr,
        SkytraqGga, SkytraqPsti, SkytraqBdGsa, SkytraqBdGsv, SkytraqGst,
        TrigGns, TrigBdGsa, TrigBdGsv, TrigGbGsv,
        L76kBdGsv, L76kGsa, L76kTxt, L76kZda,
        LuatRmc, TelitGns,
        QuectelPqGsv, QuectelPqtmVer, QuectelPqtmEpe, QuectelPqtmJamming, UbloxPubx00, UbloxTxt,
    ];
}
