// Original file: proto/admin.proto


export interface GetLeaderRequest {
}

export interface GetLeaderRequest__Output {
}
