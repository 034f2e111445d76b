namespace AspnetBackend;

public static class Program
{
    public static void Main(string[] args) => BackendApp.Create(args).Run();
}
