const AWS = require('aws-sdk');
const ddb = new AWS.DynamoDB.DocumentClient();

exports.handler = (event, context, callback) => {
    const myconnectionId = event.requestContext.connectionId;
    addConnectionId(myconnectionId).then(() => {
    callback(null, {
        "statusCode": 200
        })
    });
}
function addConnectionId(myconnectionId) {
    return ddb.put({
        TableName:'clientConnectionInfo',
        Item: {
           connectionid : myconnectionId
        },
    }).promise();
};
