namespace Switchboard.Access;

/// <summary>
/// Why a management request is refused, as API Gateway words it: the status, the <c>x-amzn-ErrorType</c> header and
/// the body's message (<c>{"message": ...}</c>, or <c>{"Message": ...}</c> for an IAM denial).
/// </summary>
internal sealed record AccessDenial(int Status, string ErrorType, string Message, string MessageProperty = "message")
{
    public static readonly AccessDenial MissingToken = new(403, "MissingAuthenticationTokenException", "Missing Authentication Token");

    public static readonly AccessDenial UnknownAccessKey = new(403, "UnrecognizedClientException", "The security token included in the request is invalid.");

    public static AccessDenial Incomplete(string message) => new(403, "IncompleteSignatureException", message);

    public static AccessDenial Invalid(string message) => new(403, "InvalidSignatureException", message);

    public static AccessDenial NotAuthorized(string principal, string action, string resource) =>
        new(403, "AccessDeniedException", $"User: {principal} is not authorized to perform: {action} on resource: {resource}", "Message");
}
