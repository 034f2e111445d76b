using System.Text;
using Switchboard.Tests.Examples;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// Replays every input the fuzz tests once failed on, kept in <c>Fuzz/Corpus</c> as <c>TARGET-NAME.bin</c> (raw bytes)
/// or <c>.txt</c> (UTF-8 text), with the same checks as the fuzz test for that target: handshake, frames, json, jsnumber.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly string Folder = RepositoryPaths.Of("tests", "Switchboard.Tests", "Fuzz", "Corpus");

    private static IEnumerable<(string Name, byte[] Bytes)> Inputs(string target) =>
        Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, target + "-*")
                .Order(StringComparer.Ordinal)
                .Select(file => (Path.GetFileName(file), File.ReadAllBytes(file)))
            : [];

    [Fact]
    public void HandshakeCorpus_NeverThrows_AndAcceptsOnlyValidHandshakes()
    {
        foreach (var (name, bytes) in Inputs("handshake"))
        {
            for (var seed = 0; seed < 20; seed++)
            {
                HandshakeRequestFuzzTests.CheckHead(new Random(seed), bytes, $"corpus {name}, chunking seed {seed}");
            }
        }
    }

    [Fact]
    public async Task FramesCorpus_EndsCleanly_WithOnlyExpectedCloseCodes()
    {
        foreach (var (name, bytes) in Inputs("frames"))
        {
            for (var seed = 0; seed < 20; seed++)
            {
                await ReceiveLoopFuzzTests.RunCaseAsync(new Random(seed), bytes, null, $"corpus {name}, chunking seed {seed}");
            }
        }
    }

    [Fact]
    public void JsonCorpus_NeverThrows_AndSelectsOnlyKnownRoutes()
    {
        var inputs = Inputs("json").ToList();
        Assert.NotEmpty(inputs);
        var failures = new List<string>();
        foreach (var (name, bytes) in inputs)
        {
            try
            {
                JsonRouteFuzzTests.CheckMessage(bytes, $"corpus {name}");
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                failures.Add(ex.Message);
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void JsNumberCorpus_NeverThrows_AndPositiveResultsPrintAsPositiveNumbers()
    {
        foreach (var (name, bytes) in Inputs("jsnumber"))
        {
            JsNumberFuzzTests.CheckText(Encoding.UTF8.GetString(bytes), $"corpus {name}");
        }
    }
}
