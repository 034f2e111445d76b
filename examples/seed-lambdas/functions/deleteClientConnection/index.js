const AWS = require('aws-sdk');
const ddb = new AWS.DynamoDB.DocumentClient();
exports.handler = (event, context, callback) => {
    const myconnectionId = event.requestContext.connectionId;
    deleteConnectionId(myconnectionId).then(() => {
    callback(null, {
        statusCode: 200,
        })
    });
}
function deleteConnectionId(myconnectionId) {
    return ddb.delete({
        TableName:'clientConnectionInfo',
        Key: {
           connectionid : myconnectionId,
        },
    }).promise();
}
