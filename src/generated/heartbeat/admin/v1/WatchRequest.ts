// Original file: proto/admin.proto


export interface WatchRequest {
}

export interface WatchRequest__Output {
}
