const AWS = require('aws-sdk');
const ddb = new AWS.DynamoDB.DocumentClient();
require('./patch.js');
let send = undefined;

function init(event) {
  const apigwManagementApi = new AWS.ApiGatewayManagementApi({
    apiVersion: '2018-11-29',
    endpoint: event.requestContext.domainName + '/' +event.requestContext.stage
  });
  send = async (connectionId, data) => {
  await apigwManagementApi.postToConnection({ ConnectionId:connectionId, Data: `${data}` }).promise();
  }
}

exports.handler =  (event, context, callback) => {
    const myconnectionId = event.requestContext.connectionId;
    var hasValidKey = false;
    if (event.body) {
        let body = JSON.parse(event.body)
        if (body.key) {
            if (body.key == '1234') {
                hasValidKey = true;
            }
        }
    }
    if (! hasValidKey) {
        callback(null, {
            "statusCode": 403
            });
        return {}
    }
    init(event);
    let message = JSON.parse(event.body).message
    getConnections().then((data) => {
        data.Items.forEach(function(connection) {
          if (myconnectionId != connection.connectionid) {
            send(connection.connectionid, message);
          }
        });
    });
    callback(null, {
        "statusCode": 200
        });
    return {}
};

function getConnections(){
    return ddb.scan({
        TableName: 'clientConnectionInfo',
    }).promise();
}
