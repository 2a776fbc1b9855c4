using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Receiver.Corrections;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Security;

namespace BeidouHub.Service.Corrections;

/// <summary>One receiver's correction stream, as configured.</summary>
internal sealed record CorrectionPlan(string ReceiverId, NtripClientOptions Options);

/// <summary>
/// <c>BeidouHub:Corrections</c> against the receivers the service runs: which receiver each
/// mountpoint serves (an entry that matches none, or a receiver that two entries claim, is an error:
/// a typo would otherwise bring no corrections and say nothing), and the CA files read. The values
/// themselves were checked by <see cref="BeidouHubOptionsValidator"/>.
/// </summary>
internal static class CorrectionsSetup
{
    public static List<CorrectionPlan> Build(CorrectionsConfig config, IReadOnlyList<ReceiverPlan> receivers, List<string> errors)
    {
        var plans = new List<CorrectionPlan>();
        var servedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < config.Mountpoints.Count; i++)
        {
            MountpointConfig m = config.Mountpoints[i];
            string key = $"{CorrectionsConfig.Section}:Mountpoints:{i}";
            if (!NtripEndpoint.TryParse(m.Caster, out NtripEndpoint? caster, out _) || (m.Mountpoint ?? caster!.Mountpoint) is not { } mountpoint || m.Receivers.Count == 0)
            {
                continue; // the validator has said why
            }

            RemoteCertificateValidationCallback? validation = null;
            if (m.CaFile is { } caFile && !TryLoadCa(caFile, out validation, out string? caError))
            {
                errors.Add($"{key}:CaFile: {caError}");
                continue;
            }

            IdScope scope = IdScope.From(m.Receivers);
            int matched = 0;
            foreach (ReceiverPlan r in receivers)
            {
                if (!scope.Matches(r.Options.Id))
                {
                    continue;
                }

                matched++;
                if (servedBy.TryGetValue(r.Options.Id, out int other))
                {
                    errors.Add($"{key}:Receivers: receiver '{r.Options.Id}' is already served by {CorrectionsConfig.Section}:Mountpoints:{other} (one correction stream per receiver)");
                    continue;
                }

                servedBy[r.Options.Id] = i;
                plans.Add(new CorrectionPlan(r.Options.Id, new NtripClientOptions
                {
                    Name = r.Options.Id,
                    Caster = caster!,
                    Mountpoint = mountpoint,
                    User = m.User ?? caster!.User,
                    Password = m.Password ?? caster!.Password,
                    Version = m.Version,
                    GgaInterval = m.GgaInterval,
                    BackoffCap = m.BackoffCap,
                    ReadTimeout = m.ReadTimeout,
                    CertificateValidation = validation,
                }));
            }

            if (matched == 0)
            {
                errors.Add($"{key}:Receivers: [{string.Join(", ", m.Receivers)}] matches no configured receiver");
            }
        }

        return plans;
    }

    // The caster's certificate must chain to one of the file's certificates and name the host (a
    // park's own caster with its own CA); the system store is not consulted then.
    internal static bool TryLoadCa(string file, out RemoteCertificateValidationCallback? validation, out string? error)
    {
        validation = null;
        error = null;
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot read '{file}': {e.Message}";
            return false;
        }

        if (roots.Count == 0)
        {
            error = $"'{file}' holds no PEM certificate";
            return false;
        }

        validation = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
        return true;
    }
}
