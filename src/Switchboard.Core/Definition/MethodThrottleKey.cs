namespace Switchboard.Definition;

/// <summary>
/// How a usage plan names one method in <see cref="UsagePlanDefinition.MethodThrottles"/>: <c>RESOURCE_PATH/VERB</c>,
/// as API Gateway keys a plan's method throttles (<c>/receiver/GET</c>; <c>//GET</c> for the root resource).
/// </summary>
internal static class MethodThrottleKey
{
    public static string Format(string resourcePath, string verb) => resourcePath + "/" + verb;

    /// <summary>Splits at the last <c>/</c>; false when either side would be empty.</summary>
    public static bool TryParse(string key, out string resourcePath, out string verb)
    {
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || slash == key.Length - 1)
        {
            (resourcePath, verb) = ("", "");
            return false;
        }

        (resourcePath, verb) = (key[..slash], key[(slash + 1)..]);
        return true;
    }
}
