namespace Switchboard.Tests.Registry;

/// <summary>A fresh directory under the temp folder for one test's store files, deleted on dispose.</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaks a temp directory; it must not fail the test that used it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
