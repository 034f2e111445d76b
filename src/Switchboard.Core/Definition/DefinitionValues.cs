namespace Switchboard.Definition;

/// <summary>The fixed values definition fields accept, each list in the order error messages show it.</summary>
internal static class DefinitionValues
{
    public const string ConnectRoute = "$connect";
    public const string DisconnectRoute = "$disconnect";
    public const string DefaultRoute = "$default";

    public const string RecipientsOthers = "others";
    public const string RecipientsAll = "all";

    public const string MessageFormatText = "text";
    public const string MessageFormatPositiveNumber = "positiveNumber";

    public const string BinaryFramesAccept = "accept";
    public const string BinaryFramesReject = "reject";

    public static readonly IReadOnlyList<string> PredefinedRouteKeys = [ConnectRoute, DisconnectRoute, DefaultRoute];

    public static readonly IReadOnlyList<string> Recipients = [RecipientsOthers, RecipientsAll];

    public static readonly IReadOnlyList<string> MessageFormats = [MessageFormatText, MessageFormatPositiveNumber];

    public static readonly IReadOnlyList<string> BinaryFrames = [BinaryFramesAccept, BinaryFramesReject];

    public static readonly IReadOnlyList<string> QuotaPeriods = ["DAY", "WEEK", "MONTH"];

    /// <summary>HTTP verbs a REST method may be declared for; <c>ANY</c> matches every verb, as in API Gateway.</summary>
    public static readonly IReadOnlyList<string> HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];

    /// <summary>URLs the gateway serves itself (the README); no stage may take them.</summary>
    public static readonly IReadOnlyList<string> ReservedUrls = ["/healthz", "/readyz", "/metrics"];
}
