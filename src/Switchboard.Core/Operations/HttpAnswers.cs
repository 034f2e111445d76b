using Microsoft.AspNetCore.Http;

namespace Switchboard.Operations;

/// <summary>Writes the gateway's JSON answers.</summary>
internal static class HttpAnswers
{
    public static Task JsonAsync(HttpContext http, int status, string json, string? errorType = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        if (errorType is not null)
        {
            // AWS SDKs read the error's type from this header.
            http.Response.Headers["x-amzn-ErrorType"] = errorType;
        }

        return http.Response.WriteAsync(json);
    }
}
