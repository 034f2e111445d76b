using System.Text.Json.Serialization;

namespace AspnetBackend;

/// <summary>
/// The backend behind Switchboard's <c>http</c> integrations: one endpoint per route, each taking API Gateway's
/// Lambda proxy event and answering a Lambda proxy result, as the seed's Lambda functions do.
/// </summary>
public static class BackendApp
{
    /// <summary>Where <c>switchboard.json</c> expects the backend.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5055";

    /// <summary>The app listening on <paramref name="urls"/> (<c>http://127.0.0.1:0</c> picks a free port); not started.</summary>
    public static WebApplication Create(string urls) => Create(["--urls", urls]);

    /// <summary>The app from command-line arguments (<c>--urls</c> and the usual ASP.NET Core settings); not started.</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        // The gateway reads an absent body as "nothing to send back"; "body": null would be read the same way, but
        // leaving it out is what a Lambda returning {statusCode: 403} produces.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        builder.Services.AddSingleton<ConnectionTable>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(ManagementCredentials.FromEnvironment(Environment.GetEnvironmentVariable));
        builder.Services.AddHttpClient<ManagementApiFactory>();

        var app = builder.Build();
        app.MapPost("/connect", ChatRoutes.Connect);
        app.MapPost("/disconnect", ChatRoutes.Disconnect);
        app.MapPost("/message", ChatRoutes.BroadcastMessageAsync);
        app.MapPost("/echo", ChatRoutes.Echo);
        app.MapPost("/room", ChatRoutes.JoinRoomAsync);
        app.MapPost("/say", ChatRoutes.SayAsync);
        return app;
    }
}
