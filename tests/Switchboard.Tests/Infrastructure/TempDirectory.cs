namespace Switchboard.Tests.Infrastructure;

/// <summary>A fresh directory under the system temp dir, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file; the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
