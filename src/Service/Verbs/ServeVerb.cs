using System.Runtime.CompilerServices;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub serve [--BeidouHub:Receivers:0:Id=gate-1 --BeidouHub:Receivers:0:Source=serial:///dev/ttyUSB0?baud=115200 ...]</c>:
/// runs the service. Configuration errors are printed one per line and exit 1.
/// </summary>
internal static class ServeVerb
{
    // Not inlined into Main, which is compiled with every verb in it: inlined, the verbs' state
    // machines loaded their types (Google.Protobuf among them) at every start, whatever the verb.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        if (!ServiceApp.TryCreate(args, out WebApplication? app, out List<string> errors))
        {
            foreach (string error in errors)
            {
                await stderr.WriteLineAsync($"beidouhub: {error}").ConfigureAwait(false);
            }

            return 1;
        }

        await using (app!.ConfigureAwait(false))
        {
            try
            {
                await app!.RunAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel cannot bind (port in use): one line, not a stack trace.
                await stderr.WriteLineAsync($"beidouhub: cannot listen: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        return 0;
    }
}
