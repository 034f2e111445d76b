const AWS = require('aws-sdk');
const ddb = new AWS.DynamoDB.DocumentClient();
require('./awsPatch.js');
let send = undefined;

function init(event) {
  const domain = event.domain;
  const stage = event.stage;
  const apigwManagementApi = new AWS.ApiGatewayManagementApi({
    apiVersion: '2018-11-29',
    endpoint: domain + '/' + stage
  });

  send = async (connectionId, data) => {
    await apigwManagementApi.postToConnection({ ConnectionId:connectionId, Data: `${data}` }).promise();
  }
}

exports.handler = (event, context, callback) => {
    const programId = Number(event.programId);
    if (programId > 0) {
        init(event);
        getConnections().then((data)=> {
           data.Items.forEach(function(connection) {
             send(connection.connectionid, programId);
            });
        });
    }
    var response = {
        "statusCode": 200
    };
    callback(null, response);
};

function getConnections(){
    return ddb.scan({
        TableName:'clientConnectionInfo',
    }).promise();
}
